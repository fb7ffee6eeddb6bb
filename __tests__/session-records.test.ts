import { describe, expect, it } from 'vitest';
import { Relinker, runSettingsRecord } from '../src/system/session-records.js';

const attachment = (uuid: string, parentUuid: string | null, type: string) => ({
  type: 'attachment',
  uuid,
  parentUuid,
  attachment: { type },
});

/** The records of a session as the restore passes them on: left-out ones dropped, the others relinked. */
function restore(records: Array<Record<string, unknown>>): Array<Readonly<Record<string, unknown>>> {
  const relinker = new Relinker();
  const kept: Array<Readonly<Record<string, unknown>>> = [];
  for (const record of records) {
    const setting = runSettingsRecord(record);
    if (setting) relinker.leaveOut(setting);
    else kept.push(relinker.relinked(record));
  }
  return kept;
}

describe('the records a restored session may not decide for this run', () => {
  it('are the system-prompt snapshot, its render markers and tool records, and the model', () => {
    for (const type of [
      'prompt_snapshot',
      'prompt_render_point',
      'deferred_tools_record',
      'tool_offer_record',
      'model',
    ]) {
      expect(runSettingsRecord(attachment('a', 'p', type))).toEqual({ uuid: 'a', parentUuid: 'p' });
    }
    for (const type of ['environment', 'date', 'skill_listing']) {
      expect(runSettingsRecord(attachment('a', 'p', type))).toBeUndefined();
    }
    expect(runSettingsRecord({ type: 'assistant', uuid: 'a', message: { model: 'claude-x' } })).toBeUndefined();
    expect(runSettingsRecord({ type: 'attachment', attachment: null })).toBeUndefined();
    expect(runSettingsRecord({ type: 'user', attachment: { type: 'model' } })).toBeUndefined();
  });

  it('are left out, and the records after them linked to their nearest kept ancestor', () => {
    const kept = restore([
      { type: 'user', uuid: 'u1', parentUuid: null, message: 'hello' },
      attachment('m1', 'u1', 'model'),
      attachment('s1', 'm1', 'prompt_snapshot'),
      { type: 'assistant', uuid: 'a1', parentUuid: 's1' },
      attachment('s2', 'a1', 'prompt_snapshot'),
      { type: 'last-prompt', leafUuid: 's2' },
      { type: 'user', uuid: 'u2', parentUuid: 's2', logicalParentUuid: 's1' },
    ]);
    expect(kept).toEqual([
      { type: 'user', uuid: 'u1', parentUuid: null, message: 'hello' },
      { type: 'assistant', uuid: 'a1', parentUuid: 'u1' },
      { type: 'last-prompt', leafUuid: 'a1' },
      { type: 'user', uuid: 'u2', parentUuid: 'a1', logicalParentUuid: 'u1' },
    ]);
  });

  it('keeps a record that names none of them as it is, and a chain that starts with one starts at the root', () => {
    const untouched = { type: 'user', uuid: 'u1', parentUuid: 'x' };
    const relinker = new Relinker();
    expect(relinker.relinked(untouched)).toBe(untouched);
    expect(
      restore([attachment('s1', null, 'prompt_snapshot'), { type: 'user', uuid: 'u1', parentUuid: 's1' }]),
    ).toEqual([{ type: 'user', uuid: 'u1', parentUuid: null }]);
  });
});

/**
 * What a restored session may not decide for this run. Resuming, the CLI takes its system prompt (and tool texts) from
 * the last `prompt_snapshot` record, and (without --model) its model from the last `model` record when Claude's last
 * reply names it, not from this run: a continued run would be told an earlier run's check command, and a forged session
 * could drop the gate protocol or pick the model. Those records are left out, the others linked past them. Pure.
 */

/**
 * Attachments the CLI reads as settings of the run, not as conversation: the system-prompt snapshot, the markers and
 * tool records it renders the prompt from, and the model. Without them it builds all of these from this run's flags.
 */
const RUN_SETTINGS_ATTACHMENTS: ReadonlySet<string> = new Set([
  'prompt_snapshot',
  'prompt_render_point',
  'deferred_tools_record',
  'tool_offer_record',
  'model',
]);

/** Fields by which a record names another record: its parent, or the last message of the conversation. */
const LINK_FIELDS = ['parentUuid', 'logicalParentUuid', 'leafUuid'] as const;

/** A record that is left out, and where the records that named it are linked instead. */
export interface LeftOut {
  uuid: string | undefined;
  parentUuid: string | null;
}

/** The record's place in the chain when it is one the CLI would take this run's settings from; undefined: kept. */
export function runSettingsRecord(entry: Readonly<Record<string, unknown>>): LeftOut | undefined {
  const attachment = entry.attachment;
  if (entry.type !== 'attachment' || typeof attachment !== 'object' || attachment === null) return undefined;
  const kind = (attachment as { type?: unknown }).type;
  if (typeof kind !== 'string' || !RUN_SETTINGS_ATTACHMENTS.has(kind)) return undefined;
  return {
    uuid: typeof entry.uuid === 'string' ? entry.uuid : undefined,
    parentUuid: typeof entry.parentUuid === 'string' ? entry.parentUuid : null,
  };
}

/**
 * Links the records of a session past the ones left out, in one pass: the CLI appends a record after its parent, so a
 * left-out record's parent has been seen (and resolved, when it was left out too) by the time it comes.
 */
export class Relinker {
  private readonly target = new Map<string, string | null>();

  /** Records that named `record` will name its nearest kept ancestor (null: the root) instead. */
  leaveOut(record: LeftOut): void {
    if (record.uuid === undefined) return;
    const parent = record.parentUuid;
    this.target.set(record.uuid, parent !== null && this.target.has(parent) ? this.target.get(parent)! : parent);
  }

  /** The record with its links moved past left-out records; the same object when it names none of them. */
  relinked(entry: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
    let copy: Record<string, unknown> | undefined;
    for (const field of LINK_FIELDS) {
      const value = entry[field];
      if (typeof value !== 'string' || !this.target.has(value)) continue;
      copy ??= { ...entry };
      copy[field] = this.target.get(value);
    }
    return copy ?? entry;
  }
}

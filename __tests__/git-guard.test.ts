/** The settings that switch off the programs a repository's configuration names. */
import { describe, expect, it } from 'vitest';
import { filterSettings, parseConfigList, withSettings } from '../src/system/git-guard.js';

describe('git-guard', () => {
  it('adds its settings after those the workflow gives in the environment', () => {
    const env = withSettings(
      { PATH: '/bin', GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'safe.directory', GIT_CONFIG_VALUE_0: '*' },
      [['core.fsmonitor', 'false']],
    );
    expect(env).toEqual({
      PATH: '/bin',
      GIT_CONFIG_COUNT: '2',
      GIT_CONFIG_KEY_0: 'safe.directory',
      GIT_CONFIG_VALUE_0: '*',
      GIT_CONFIG_KEY_1: 'core.fsmonitor',
      GIT_CONFIG_VALUE_1: 'false',
    });
    expect(withSettings({}, [['a.b', 'c']])).toEqual({
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'a.b',
      GIT_CONFIG_VALUE_0: 'c',
    });
  });

  it('switches off every filter driver configured, whatever its name', () => {
    const config = parseConfigList(
      'core.bare\nfalse\0filter.a.b=c.clean\nrm -rf /\0filter.lfs.required\0user.name\nx\0',
    );
    expect(config).toEqual([
      ['core.bare', 'false'],
      ['filter.a.b=c.clean', 'rm -rf /'],
      ['filter.lfs.required', undefined],
      ['user.name', 'x'],
    ]);
    expect(filterSettings(config)).toEqual([
      ['filter.a.b=c.clean', ''],
      ['filter.a.b=c.smudge', ''],
      ['filter.a.b=c.process', ''],
      ['filter.a.b=c.required', 'false'],
      ['filter.lfs.clean', ''],
      ['filter.lfs.smudge', ''],
      ['filter.lfs.process', ''],
      ['filter.lfs.required', 'false'],
    ]);
  });
});

import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The folders of src/ are layers, from the bottom: text/ and core/ (pure rules), report/ (the pure Markdown summary),
 * system/ (git, processes, files), claude/ (the CLI), runner.ts, and the front ends actions/ and local/ on top. An
 * import may only reach down.
 */
const layer = (files, message, regex) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: [{ regex, message }] }],
    // import() is no import declaration: the same rule, for a literal path.
    'no-restricted-syntax': [
      'error',
      { selector: `ImportExpression[source.value=/${regex.replaceAll('/', '\\/')}/]`, message },
    ],
  },
});

/** A path that reaches any of `folders`, however it gets there (`../x/`, `./../x/`, `../../src/x/`). */
const reaches = (folders) => `(^|/)(${folders.join('|')})/`;
/** Only the same folder and `folders`, each one step away, and no package or built-in: the pure layers. */
const onlyWithin = (folders, builtins = '') =>
  `^(?!(\\./|\\.\\./(${folders.join('|')})/)[\\w-]+\\.js$${builtins ? `|node:(${builtins})$` : ''})`;

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'reports/', '.stryker-tmp*/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  layer(
    ['src/text/**'],
    'text/ is the bottom layer: it imports only text/ (and node:crypto).',
    onlyWithin([], 'crypto'),
  ),
  layer(
    ['src/core/**'],
    'core/ holds the pure rules: it imports only core/ and text/, and no I/O.',
    onlyWithin(['core', 'text']),
  ),
  layer(
    ['src/report/**'],
    'report/ renders an outcome: it imports only core/, text/ and report/, and no I/O.',
    onlyWithin(['core', 'text', 'report']),
  ),
  layer(
    ['src/system/**'],
    'system/ imports only core/, text/ and system/.',
    `${reaches(['claude', 'report', 'actions', 'local'])}|(^|/)runner(\\.js)?$`,
  ),
  layer(
    ['src/claude/**'],
    'claude/ imports only core/, text/, system/ and claude/.',
    `${reaches(['report', 'actions', 'local'])}|(^|/)runner(\\.js)?$`,
  ),
  layer(
    ['src/runner.ts'],
    'The runner is shared by the front ends: it imports none of them.',
    reaches(['actions', 'local']),
  ),
  layer(['src/actions/**'], 'A front end imports no other front end.', reaches(['local'])),
  layer(['src/local/**'], 'A front end imports no other front end.', reaches(['actions'])),
);

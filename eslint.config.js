import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The folders of src/ are layers, from the bottom: text/ and core/ (pure rules), report/ (the pure Markdown summary),
 * system/ (git, processes, files), claude/ (the CLI), runner.ts, and the front ends actions/ and local/ on top. An
 * import may only reach down.
 */
const layer = (files, message, regex) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: [{ regex, message }] }] },
});

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
  layer(['src/text/**'], 'text/ is the bottom layer: it imports only text/.', '^(\\.\\./|node:(?!crypto$))'),
  layer(
    ['src/core/**'],
    'core/ holds the pure rules: it imports only core/ and text/, and no I/O.',
    '^(\\.\\./(?!core/|text/)|node:)',
  ),
  layer(
    ['src/report/**'],
    'report/ renders an outcome: it imports only core/, text/ and report/, and no I/O.',
    '^(\\.\\./(?!core/|text/|report/)|node:)',
  ),
  layer(['src/system/**'], 'system/ imports only core/, text/ and system/.', '^\\.\\./(?!core/|text/|system/)'),
  layer(['src/claude/**'], 'claude/ imports no runner and no front end.', '^\\.\\./(runner|actions/|local/)'),
  layer(['src/runner.ts'], 'The runner is shared by the front ends: it imports none of them.', '^\\./(actions|local)/'),
  layer(['src/actions/**'], 'A front end imports no other front end.', '^\\.\\./local/'),
  layer(['src/local/**'], 'A front end imports no other front end.', '^\\.\\./actions/'),
);

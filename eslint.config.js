// One lint config for the whole repo: typescript-eslint's recommended rules plus
// layering rules, so that the renderer cannot reach Node-only modules by accident.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'out',
      'dist',
      'coverage',
      'test-results',
      'tmp',
      'bench/results',
      'src/protocol/generated',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-eval': 'error',
      'no-new-func': 'error',
      'no-implied-eval': 'error',
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The renderer runs in a sandboxed page: it may use spec, nodes and expr (pure), never Node modules.
    files: ['src/renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'the renderer runs in a browser page; use the backend API' },
            {
              group: [
                '**/engine/**',
                '**/broker/**',
                '**/kafka/**',
                '**/cli/**',
                '**/main/**',
                '**/server/**',
              ],
              message: 'the renderer may import only spec, nodes, expr and api (the common layer)',
            },
          ],
        },
      ],
    },
  },
  {
    // The backend serves both shells; it never reaches into a shell or the page.
    files: ['src/server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/renderer/**', '**/main/**', '**/preload/**', '**/cli/**', 'electron'],
              message:
                'src/server runs under kflow web and the desktop app alike; keep shell code in src/main or src/cli',
            },
          ],
        },
      ],
    },
  },
  {
    // spec, nodes, expr and api (the UI-backend contract) are the common layer, loaded by the renderer too.
    files: ['src/spec/**/*.ts', 'src/nodes/**/*.ts', 'src/expr/**/*.ts', 'src/api/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'the common layer must run in the browser too' },
            {
              group: [
                '**/engine/**',
                '**/broker/**',
                '**/kafka/**',
                '**/cli/**',
                '**/main/**',
                '**/server/**',
                '**/renderer/**',
              ],
              message: 'the common layer must not depend on runtime layers',
            },
          ],
        },
      ],
    },
  },
);

// ESLint for the TypeScript sources (typescript-eslint's recommended rules); formatting is Prettier's.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {ignores: ['dist/**', '.tmp/**', 'node_modules/**', 'plugins/*/dist/**', 'plugins/*/node_modules/**', '**/*.cjs']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        performance: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        fetch: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        setImmediate: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none'}],
      '@typescript-eslint/no-explicit-any': 'warn',
      'no-empty': ['error', {allowEmptyCatch: true}],
      // ANSI colour codes are stripped from the proxy's output on purpose.
      'no-control-regex': 'off',
      '@typescript-eslint/no-this-alias': ['error', {allowedNames: ['command']}],
    },
  },
  {
    // One concept per file, functions a reader can hold in mind: the engine's own limits.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'max-lines': ['error', {max: 300, skipBlankLines: false, skipComments: false}],
      'max-lines-per-function': ['error', {max: 60, skipBlankLines: true, skipComments: true}],
    },
  },
)

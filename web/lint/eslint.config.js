// typescript-eslint over the frontend, with type information (the strict and stylistic
// type-checked presets), against web/tsconfig.json and web/tsconfig.test.json.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export default tseslint.config(
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: [resolve(web, 'tsconfig.json'), resolve(web, 'tsconfig.test.json')],
        tsconfigRootDir: web,
      },
    },
  },
  { ignores: ['**/dist/**', '**/node_modules/**', '**/lint/**', '**/scripts/**', '**/vite.config.ts'] },
);

// The lint plugins, resolved from this workspace: typescript-eslint needs the classic TypeScript
// compiler (<6.1), installed here beside it, while the project's own `tsc` is TypeScript 7.
import './classic-typescript.cjs';
export { default as js } from '@eslint/js';
export { default as prettierConfig } from 'eslint-config-prettier/flat';
export { importX, createNodeResolver } from 'eslint-plugin-import-x';
export { default as reactHooks } from 'eslint-plugin-react-hooks';
export { default as globals } from 'globals';
export { default as tseslint } from 'typescript-eslint';

// typescript-eslint parses with the classic TypeScript compiler API, which TypeScript 7 (the project's
// `typescript`, a native binary) no longer ships. TypeScript 6.0 is installed in this workspace; some of
// the parser's helpers (ts-api-utils) are hoisted next to the project's TypeScript 7 and would load it, so
// the lint process (only it) answers every `require('typescript')` with 6.0. Load this before the plugins.
const Module = require('node:module');
const path = require('node:path');

const classicPath = require.resolve('typescript');
const projectPath = Module.createRequire(path.join(__dirname, '..', '..', 'package.json')).resolve('typescript');
if (projectPath !== classicPath) {
  const classic = require(classicPath);
  const shim = new Module(projectPath, module);
  shim.filename = projectPath;
  shim.exports = classic;
  shim.loaded = true;
  require.cache[projectPath] = shim;
}

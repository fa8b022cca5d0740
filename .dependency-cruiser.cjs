// Import rules checked by `npm run check:cycles` (part of `npm run lint`), with dependency-cruiser:
// it resolves the `.js` specifiers of our NodeNext sources to their `.ts` files and the packages
// through their `@orderstream/source` export condition, sees type-only imports, supports Node 20
// (its 17.x line) and can hold further layering rules later. One rule for now: no import circles in
// the source tree, type-only imports included (a type circle is still two files that cannot be read
// one after the other).
//
// `.dependency-cruiser-known-violations.json` lists circles known and owned elsewhere that do not
// fail the check yet (only alerts/default-rules ↔ alerts/options); a new circle fails it. Remove an
// entry when its circle is closed.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import circles make the layers unreadable and break module initialisation order.',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['@orderstream/source', 'import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
      mainFields: ['module', 'main', 'types'],
    },
  },
};

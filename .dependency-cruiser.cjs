/**
 * Import direction (docs/architecture.md): the core never reaches into the Lambda wiring or the CDK app, and the
 * domain never reaches into the entry points. Run by `npm test` through `npm run depcruise`.
 */
module.exports = {
  forbidden: [
    {
      name: 'src-not-to-functions-or-infra',
      comment: 'src/ is the core both entry points share; it never imports a Lambda handler or the CDK app.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(functions|infra)/' },
    },
    {
      name: 'functions-not-to-infra',
      comment: 'A handler is bundled alone; the CDK app is never part of it.',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: '^infra/' },
    },
    {
      name: 'domain-not-to-entry-points',
      comment: 'The domain folders are used by the use cases and entry points, never the other way round.',
      severity: 'error',
      from: { path: '^src/(model|sources|engine|simulation|plan|report|alerts|security)/' },
      to: { path: '^src/(app|cli|server)/' },
    },
    {
      name: 'model-is-a-leaf',
      comment: "The fleet model holds types and schemas; it may name another layer's types, never run its code.",
      severity: 'error',
      from: { path: '^src/model/' },
      to: { path: '^src/(?!model/)', dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};

// Jest runs in native ESM mode (NestJS 12 ships ESM only): `npm test` starts it with
// --experimental-vm-modules. TypeScript is transformed by @swc/jest with decorator metadata.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    sourceMaps: 'inline',
  },
];

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^nest-service-registry$': '<rootDir>/libs/registry/src/index.ts',
    '^nest-service-registry/etcd$': '<rootDir>/libs/registry/src/backends/etcd/index.ts',
    '^nest-service-registry/dashboard$': '<rootDir>/libs/registry/src/dashboard/index.ts',
    '^nest-service-registry/grpc$': '<rootDir>/libs/registry/src/grpc/index.ts',
    '^nest-service-registry/health$': '<rootDir>/libs/registry/src/health/index.ts',
    '^nest-service-registry/microservices$': '<rootDir>/libs/registry/src/microservices/index.ts',
    '^nest-service-registry/zookeeper$': '<rootDir>/libs/registry/src/backends/zookeeper/index.ts',
    '^nest-service-registry/redis$': '<rootDir>/libs/registry/src/backends/redis/index.ts',
    '^nest-service-registry/testing$': '<rootDir>/libs/registry/src/testing/index.ts',
    '^nest-service-registry/backend-kit$': '<rootDir>/libs/registry/src/backend-kit/index.ts',
    '^nest-service-registry/checker$': '<rootDir>/libs/registry/src/checker/index.ts',
    '^nest-service-registry/traffic$': '<rootDir>/libs/registry/src/traffic/index.ts',
    '^nest-service-registry/xds$': '<rootDir>/libs/registry/src/xds/index.ts',
    '^@app/demo-config$': '<rootDir>/libs/demo-config/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/test/fresh-app/fixture/'],
  testTimeout: 60_000,
  maxWorkers: 2,
};

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: '<rootDir>/test/ort-env.js',
  roots: ['<rootDir>/libs', '<rootDir>/services', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/dist-test/'],
  // jose is ESM-only: let swc transform it for jest's CommonJS runtime (stack-notes §1).
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', {}] },
  transformIgnorePatterns: ['/node_modules/(?!(jose)/)'],
  moduleNameMapper: {
    '^@prognos/contracts$': '<rootDir>/libs/contracts/src/index.ts',
    '^@prognos/fhir-features$': '<rootDir>/libs/fhir-features/src/index.ts',
    '^@prognos/scorer$': '<rootDir>/services/scorer/src/index.ts',
    '^@prognos/cds-hooks$': '<rootDir>/services/cds-hooks/src/index.ts',
  },
  testTimeout: 30000,
  maxWorkers: 2,
};

export * from './cds-hooks';
export * from './features';
export * from './scoring';
export * from './operation-outcome';
export * from './pgx';
export * from './sequences';

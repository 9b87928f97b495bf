// The instance model and the wire contract (DESIGN §2), one file per role.
export * from './service-instance.js';
export * from './instance-fields.js';
export * from './key-layout.js';
export * from './instance.codec.js';
export * from './validate-instance.js';
export * from './instance-check.js';

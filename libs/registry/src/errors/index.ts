export * from './registry.error.js';

/** Injection token of the resolved checker options. @internal */
export const CHECKER_OPTIONS = Symbol('nest-service-registry:checker-options');

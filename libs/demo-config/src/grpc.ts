import { fileURLToPath } from 'node:url';
import type { Observable } from 'rxjs';

/**
 * The demo's proto file (`users.UserService`). The build copies it next to the compiled module,
 * so the same relative URL works from `libs/demo-config/src` and `dist/libs/demo-config`.
 */
export const USERS_PROTO = fileURLToPath(new URL('./users.proto', import.meta.url));

/** The gRPC package and service of {@link USERS_PROTO}. */
export const USERS_PACKAGE = 'users';
export const USER_SERVICE = 'UserService';

/** `users.UserService` as a gRPC client sees it through Nest's `ClientGrpc`. */
export interface UserServiceClient {
  get(request: { id: string }): Observable<{ id: string; name: string; servedBy: string }>;
}

/** Short, stable phrases of TLS failures, as Node, grpc-js and OpenSSL word them (the rest is noise). */
const TLS_FAILURE =
  /alert bad certificate|alert certificate required|alert unknown ca|unable to verify the first certificate|self[- ]signed certificate(?: in certificate chain)?|certificate has expired|unable to get local issuer certificate|wrong version number|Hostname\/IP does not match certificate's altnames/i;

/** The phrase that says `message` is a TLS failure, if it is one. @internal */
export function tlsFailure(message: string): string | undefined {
  return TLS_FAILURE.exec(message)?.[0];
}

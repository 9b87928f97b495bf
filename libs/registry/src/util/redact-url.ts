/**
 * `url` with the password of its user info replaced by `***` (`redis://user:***@host:6379`), for
 * every message, health detail and status. Text that is not a URL with user info is returned as is.
 * @internal
 */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/]*)@/i, (_match, scheme: string, userInfo: string) => {
    const colon = userInfo.indexOf(':');
    return colon < 0 ? `${scheme}${userInfo}@` : `${scheme}${userInfo.slice(0, colon)}:***@`;
  });
}

/**
 * Which calls the console may forward: exactly the broker's routes from handlers/http/routes.json (the single route
 * table), minus the Slack-signed one, which a browser has no business calling.
 */
import { matchRoute } from '../../handlers/http/routes';

export function isForwardable(method: string, pathname: string): boolean {
  const matched = matchRoute(method, pathname);
  return matched !== undefined && matched.route.auth !== 'slack';
}

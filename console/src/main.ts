/**
 * The console's entry: who we act as, then a view per address (#/queue, #/grants, #/requests/ID, #/allowlist, #/new,
 * #/mine).
 */
import { h, replaceChildren } from './dom';
import { shortPrincipal } from './format';
import { loadSession, type ConsoleSession } from './session';
import { empty, failure } from './states';
import { renderAllowlist } from './views/allowlist';
import { renderDetail } from './views/detail';
import { renderGrants } from './views/grants';
import { renderMyGrants } from './views/my-grants';
import { renderNewRequest } from './views/new-request';
import { renderQueue } from './views/queue';

function showIdentity(session: ConsoleSession): void {
  const box = document.getElementById('identity');
  if (!box) return;
  const who = session.identity
    ? h('span', { title: session.identity }, shortPrincipal(session.identity))
    : h('span', {}, session.profile ? `AWS profile ${session.profile}` : 'your AWS credentials');
  replaceChildren(
    box,
    h('span', { class: 'identity-label' }, session.signing === 'header' ? 'acting as' : 'signed with'),
    who,
  );
}

function markNav(view: string): void {
  for (const link of document.querySelectorAll<HTMLAnchorElement>('.nav a')) {
    if (link.dataset.view === view) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

const TITLES: Record<string, string> = { requests: 'Request', new: 'New request', mine: 'My grants' };

async function route(main: HTMLElement, session: ConsoleSession): Promise<void> {
  const [, view = 'queue', param] = location.hash.split('/').map(decodeURIComponent);
  markNav(view === 'requests' ? '' : view);
  document.title = `${TITLES[view] ?? view[0]?.toUpperCase() + view.slice(1)} · Permission Broker`;
  if (view === 'grants') await renderGrants(main);
  else if (view === 'new') await renderNewRequest(main);
  else if (view === 'mine') await renderMyGrants(main);
  else if (view === 'requests' && param) await renderDetail(main, param);
  else if (view === 'allowlist') await renderAllowlist(main, param);
  else await renderQueue(main, session);
}

async function start(): Promise<void> {
  const main = document.getElementById('main') as HTMLElement;
  let session: ConsoleSession;
  try {
    session = await loadSession();
  } catch (error) {
    replaceChildren(
      main,
      failure('The console server did not answer', error, () => location.reload()),
    );
    return;
  }
  showIdentity(session);
  if (!session.ready) {
    replaceChildren(
      main,
      empty(
        'Open the link from your terminal',
        'This console signs with your AWS credentials, so it only serves the browser that opened the one-time link `lpb console` printed.',
      ),
    );
    return;
  }
  let previous = location.hash;
  window.addEventListener('hashchange', () => {
    void route(main, session);
    // A new view takes the focus, so keyboard and screen-reader users land on its content.
    if (location.hash !== previous) main.focus({ preventScroll: true });
    previous = location.hash;
  });
  if (!location.hash) history.replaceState(null, '', '#/queue');
  await route(main, session);
}

void start();

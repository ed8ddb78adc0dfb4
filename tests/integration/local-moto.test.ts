/** How the broker starts moto: the collector settings reach the Python that runs it, whatever PYTHONPATH held. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { motoEnvironment } from '../../local/moto';

it('puts local/moto-python first on PYTHONPATH and keeps what was there', () => {
  const site = path.resolve(__dirname, '../../local/moto-python');
  expect(motoEnvironment({}).PYTHONPATH).toBe(site);
  expect(motoEnvironment({ PYTHONPATH: '/opt/py' }).PYTHONPATH).toBe(`${site}${path.delimiter}/opt/py`);
});

it('makes Python collect rarely, as moto_server would start (its sitecustomize is loaded)', () => {
  const thresholds = execFileSync('python3', ['-c', 'import gc; print(gc.get_threshold())'], {
    env: motoEnvironment(),
  }).toString();
  expect(thresholds.trim()).toBe('(100000, 1000, 1000)');
});

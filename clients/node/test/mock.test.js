// The helper against the real binaries: MOCKTEAMTAILOR_BIN and
// EXAMPLEPARTNER_BIN, or mockteamtailor and examplepartner on PATH.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { startMock } from '../index.js';

const examplepartner = process.env.EXAMPLEPARTNER_BIN ?? 'examplepartner';

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// startPartner runs the example partner and resolves once it listens (it
// prints its URL then).
function startPartner(args) {
  const child = spawn(examplepartner, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`examplepartner exited (${code}): ${out}`)));
    child.stdout.on('data', (b) => {
      out += b;
      if (out.includes('listening on')) {
        child.removeAllListeners('exit');
        child.stdout.resume();
        resolve(child);
      }
    });
  });
}

const apiKey = 'ttpk_nodetest_5b1e';
const webhookSecret = 'ttws_nodetest_9c3d';
let mock;
let partner;

before(async () => {
  const port = await freePort();
  mock = await startMock({ args: ['--seed', '7', '--partner-base-url', `http://127.0.0.1:${port}`, '--api-key', apiKey, '--webhook-secret', webhookSecret] });
  // The partner answers each webhook "sending" and posts the completed
  // result 100 ms later: waitForResult has to wait for it.
  partner = await startPartner(['--listen', `127.0.0.1:${port}`, '--api-key', apiKey, '--webhook-secret', webhookSecret,
    '--teamtailor-url', mock.url, '--result-delay', '100ms']);
});

after(async () => {
  partner?.kill('SIGTERM');
  await mock?.stop();
});

test('startMock reads the URL and the keys serve prints', async () => {
  assert.match(mock.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(mock.apiKey, apiKey);
  assert.equal(mock.webhookSecret, webhookSecret);
  const keys = await mock.keys();
  assert.ok(JSON.stringify(keys).includes(apiKey), 'GET /mock/v1/keys lists the API key');
});

test('trigger, wait for the result, assert: 20 times in a row', async () => {
  for (let i = 0; i < 20; i++) {
    const { delivery, result } = await mock.trigger({ candidateId: 1 + (i % 12), data: { test: 'go', threshold: '70' } });
    assert.equal(delivery.verdict, 'ok', delivery.reason);
    assert.ok(delivery.resultId);
    assert.ok(!['completed', 'failed'].includes(result.status), `run ${i}: the result is already ${result.status}: the wait would prove nothing`);
    const done = await mock.waitForResult(delivery.resultId, { timeoutMs: 10000 });
    assert.equal(done.status, 'completed', `run ${i}`);
    assert.equal(typeof done.assessment.score, 'number');
  }
});

test('waitForResult fails at its deadline when the result is not final yet', async () => {
  const { delivery } = await mock.trigger({ candidateId: 1, data: { test: 'go', threshold: '70' } });
  // The partner posts 100 ms after the webhook: 1 ms is too short.
  await assert.rejects(mock.waitForResult(delivery.resultId, { timeoutMs: 1 }), /did not become final within 1 ms \(last: (sent|pending)\)/);
  assert.equal((await mock.waitForResult(delivery.resultId)).status, 'completed');
});

test('waitForResult of an unknown result rejects with the 404', async () => {
  await assert.rejects(mock.waitForResult('no-such-result'), /404.*no-such-result/);
});

test('faults, then reset', async () => {
  await mock.setFaults({ status: 503, count: 1 });
  const call = () => fetch(mock.url + '/partner/v1/partner-results', { headers: { Authorization: `Token ${apiKey}`, 'X-Api-Version': '20180828' } });
  assert.equal((await call()).status, 503);
  assert.equal((await call()).status, 200);
  await mock.reset();
  assert.deepEqual(await mock.results(), []);
});

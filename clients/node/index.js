// mockteamtailor for Node tests: start the fake Teamtailor from its release
// binary, read its URL and keys from what serve prints, and drive it through
// its control API (/mock/v1). Waiting for a result is a long poll
// (GET /mock/v1/results/{id}/wait), so a test never sleeps: it wakes when
// the partner posts, and fails at its deadline.
import { spawn } from 'node:child_process';

/**
 * Starts `mockteamtailor serve` on a free loopback port and resolves when it
 * listens. Options: binary (default $MOCKTEAMTAILOR_BIN or "mockteamtailor"
 * on PATH), args (more serve flags, e.g. ["--partner-base-url", url]),
 * env, startTimeoutMs (default 10000).
 */
export async function startMock(options = {}) {
  const binary = options.binary ?? process.env.MOCKTEAMTAILOR_BIN ?? 'mockteamtailor';
  const args = ['serve', '--listen', '127.0.0.1:0', ...(options.args ?? [])];
  const child = spawn(binary, args, { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (b) => { err = (err + b).slice(-4096); });
  const banner = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`mockteamtailor did not start within ${options.startTimeoutMs ?? 10000} ms:\n${out}${err}`));
    }, options.startTimeoutMs ?? 10000);
    child.once('error', (e) => { clearTimeout(timer); reject(new Error(`cannot run ${binary}: ${e.message}`)); });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`mockteamtailor exited (${code}) before listening:\n${out}${err}`)); });
    child.stdout.on('data', (b) => {
      out += b;
      // The banner ends with the sandbox's provider key.
      if (/provider key\s+\S+/.test(out)) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve(out);
      }
    });
  });
  child.stdout.resume();
  const field = (name) => {
    const m = banner.match(new RegExp(`^\\s*${name}\\s+(\\S+)`, 'm'));
    if (!m) throw new Error(`mockteamtailor printed no ${name}:\n${banner}`);
    return m[1];
  };
  const token = field('control token');
  return new Mock({
    child,
    url: field('listening on'),
    apiKey: field('API key'),
    webhookSecret: field('webhook secret'),
    providerKey: field('provider key'),
    controlToken: token.startsWith('mtc_') ? token : undefined,
  });
}

/** A running mock: its URL and keys, and helpers over its control API. */
export class Mock {
  constructor({ child, url, apiKey, webhookSecret, providerKey, controlToken }) {
    this.child = child;
    this.url = url;
    this.apiKey = apiKey;
    this.webhookSecret = webhookSecret;
    this.providerKey = providerKey;
    this.controlToken = controlToken;
  }

  /** Calls the control API; resolves to the JSON answer, rejects on a non-2xx. */
  async control(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.controlToken) headers.Authorization = `Bearer ${this.controlToken}`;
    const res = await fetch(this.url + '/mock/v1' + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} /mock/v1${path}: ${res.status} ${text.slice(0, 500)}`);
    return text ? JSON.parse(text) : undefined;
  }

  /** The partners' credentials (GET /mock/v1/keys). */
  keys() { return this.control('GET', '/keys'); }

  /**
   * Sends a manual trigger's webhook to the partner: candidateId, data (the
   * picked values), partnerId (default "1"), jobId. Resolves to the
   * delivery (its verdict, eventId, resultId) and the result as it stands.
   */
  trigger({ candidateId, data = {}, partnerId = '1', jobId } = {}) {
    return this.control('POST', '/manual-triggers', { partnerId, candidateId, data, ...(jobId ? { jobId } : {}) });
  }

  /** Sends one webhook per candidate in bulk mode and waits for the run. */
  bulk({ candidateIds, data = {}, partnerId = '1' }) {
    return this.control('POST', '/bulk-triggers', { partnerId, candidateIds, data, wait: true });
  }

  /** A partner result (GET /mock/v1/results/{id}). */
  result(id) { return this.control('GET', '/results/' + encodeURIComponent(id)); }

  /** Every partner result. */
  async results() { return (await this.control('GET', '/results')).results; }

  /**
   * Resolves to the result once it is final (completed or failed);
   * rejects after timeoutMs (default 10000) with the status it had then.
   * It long-polls GET /mock/v1/results/{id}/wait, which the mock answers
   * as soon as the partner posts the final status: no timer, no polling.
   */
  async waitForResult(id, { timeoutMs = 10000 } = {}) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // One request waits at most 30 s (the mock allows up to 60 s).
      const wait = Math.max(1, Math.min(deadline - Date.now(), 30000));
      const answer = await this.control('GET', `/results/${encodeURIComponent(id)}/wait?timeout=${wait}ms`);
      if (answer.final) return answer.result;
      if (Date.now() >= deadline) {
        throw new Error(`result ${id} did not become final within ${timeoutMs} ms (last: ${answer.result.status})`);
      }
    }
  }

  /** Sets Partner API faults (PUT /mock/v1/faults), e.g. { status: 503, count: 1 }. */
  setFaults(faults) { return this.control('PUT', '/faults', faults); }

  /** Clears every fault. */
  clearFaults() { return this.control('DELETE', '/faults'); }

  /** Returns the mock to its start state (POST /mock/v1/reset). */
  reset() { return this.control('POST', '/reset'); }

  /** Stops the mock and resolves when it has exited. */
  stop() {
    if (this.child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
    });
  }
}

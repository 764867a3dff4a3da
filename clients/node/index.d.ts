import type { ChildProcess } from 'node:child_process';

export interface StartOptions {
  /** The mockteamtailor binary; default $MOCKTEAMTAILOR_BIN, else "mockteamtailor" on PATH. */
  binary?: string;
  /** More `serve` flags, e.g. ["--partner-base-url", "http://127.0.0.1:3000", "--seed", "1"]. */
  args?: string[];
  env?: Record<string, string>;
  /** How long to wait for serve to listen; default 10000. */
  startTimeoutMs?: number;
}

/** A delivery of the mock's journal (what it sent, what came back, its verdict). */
export interface Delivery {
  id: number;
  kind: string;
  partnerId: string;
  verdict: string;
  reason: string;
  eventId?: string;
  resultId?: string;
  candidateId?: number;
  [key: string]: unknown;
}

/** A partner result as the mock holds it. */
export interface PartnerResult {
  id: string;
  partnerId: string;
  status: 'sending' | 'pending' | 'completed' | 'failed' | string;
  candidateId: number;
  jobId?: number;
  summary?: string;
  url?: string;
  assessment?: { score?: number; grade?: string; duration?: number; [key: string]: unknown };
  details?: Record<string, unknown>;
  attachments?: { url: string; description?: string }[];
  [key: string]: unknown;
}

export interface TriggerOptions {
  candidateId: number;
  /** The values picked in the partner's form (webhook-data). */
  data?: Record<string, string>;
  /** Default "1". */
  partnerId?: string;
  jobId?: number;
}

export interface WaitOptions {
  /** How long to wait for the final status (completed or failed). Default 10000. */
  timeoutMs?: number;
}

export interface Faults {
  latency?: string;
  status?: number;
  count?: number;
  fraction?: number;
  connection?: 'reset' | 'empty' | 'malformed';
  [key: string]: unknown;
}

export class Mock {
  readonly child: ChildProcess;
  /** The mock's base URL, e.g. http://127.0.0.1:40123. */
  readonly url: string;
  /** Partner 1's API key and webhook secret; the sandbox company's provider key. */
  readonly apiKey: string;
  readonly webhookSecret: string;
  readonly providerKey: string;
  /** Set when the mock requires a control token. */
  readonly controlToken?: string;
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  keys(): Promise<unknown>;
  trigger(options: TriggerOptions): Promise<{ delivery: Delivery; result: PartnerResult; [key: string]: unknown }>;
  bulk(options: { candidateIds: number[]; data?: Record<string, string>; partnerId?: string }): Promise<unknown>;
  result(id: string): Promise<PartnerResult>;
  results(): Promise<PartnerResult[]>;
  waitForResult(id: string, options?: WaitOptions): Promise<PartnerResult>;
  setFaults(faults: Faults): Promise<unknown>;
  clearFaults(): Promise<unknown>;
  reset(): Promise<unknown>;
  stop(): Promise<void>;
}

export function startMock(options?: StartOptions): Promise<Mock>;

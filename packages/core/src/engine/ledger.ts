/** One round of a run, as written to `ledger.jsonl`. */
export interface LedgerRow {
  round: number;
  /** Clients sampled this round. */
  participants: number;
  /** Uploads that were sent, whether or not they arrived (one per adapter slot in multi-task runs). */
  uploaded: number;
  /** Sampled clients whose skip rule chose not to send. */
  skipped: number;
  /** Uploads the channel dropped. */
  lost: number;
  /**
   * Updates refused: a client whose local training diverged (it sends nothing), an arrived upload
   * that failed validation (undecodable, wrong length, NaN or Infinity), or one whose norm the
   * update screen (`updateScreen`) bounds.
   */
  rejected: number;
  /** Bytes of every upload payload sent this round, as serialised. */
  uplinkBytes: number;
  /**
   * Values the sent uploads carried before encoding: each client's own vector length, which differs
   * between clients with heterogeneous ranks (bits per value = 8·uplinkBytes / uplinkValues).
   */
  uplinkValues?: number;
  /** Bytes of the global model sent to participants this round, as serialised. */
  downlinkBytes: number;
  /**
   * With clients across a network: bytes of whole protocol frames received from (`uplink`) and sent
   * to (`downlink`) clients this round, as measured on the sockets; payload bytes above exclude the
   * frames' headers and what else a frame carries.
   */
  uplinkWireBytes?: number;
  downlinkWireBytes?: number;
  /**
   * Sample-weighted mean of the local training loss of the participants that trained to a finite
   * loss, or null when none did (every participant diverged or was lost): a diverged client has no
   * loss to average, and counting it as 0 would make a failing round look like a good one.
   */
  trainLoss: number | null;
  /**
   * Test accuracy after this round, or null when not evaluated: every client scored on each task it
   * holds with the parameters it trains that task with, averaged over the task's clients, then over
   * the tasks (the global model's accuracy when every client holds it).
   */
  testAccuracy: number | null;
  /** Test cross-entropy after this round, averaged as `testAccuracy` is, or null when not evaluated. */
  testLoss: number | null;
  /**
   * On rounds evaluated on the fixed test subset of `evaluation.testLimit` (every evaluated round
   * but the last, when a task has more test examples than the limit): the test examples scored,
   * summed over the tasks. Absent on rounds evaluated on every test example, so a reader tells the
   * subset's estimates from full-set figures.
   */
  testSubsetExamples?: number;
  /** exp(test cross-entropy) per byte on evaluated rounds of next-byte tasks. */
  testPerplexity?: number;
  /** Wall time of the round, including evaluation. */
  wallMs: number;
  /**
   * Per-task test accuracy on evaluated rounds of multi-task runs (task order of `data.tasks`),
   * averaged over the task's clients, each scored with the parameters it holds for the task.
   */
  taskAccuracy?: number[];
  /**
   * On evaluated rounds of multi-task runs: per task, the accuracy of the parameters most of the
   * task's clients hold (ties to the lowest client id). It leaves out the clients that hold other
   * parameters, so under a clustering that misplaces some it reads higher than `taskAccuracy`.
   */
  majorityAdapterTaskAccuracy?: number[];
  /**
   * On evaluated rounds of multi-task runs with one task per slot: how the parameters the server
   * sent each slot group by true task (Hungarian-matched accuracy and adjusted Rand index).
   */
  clustering?: { accuracy: number; adjustedRandIndex: number };
  /** The adapter's diagnostics of the global parameters, on evaluated rounds of adapters that have them. */
  metrics?: Record<string, number>;
}

/** `summary.json` of a finished run. */
export interface RunSummary {
  label: string;
  name: string;
  seed: number;
  rounds: number;
  finalAccuracy: number;
  bestAccuracy: number;
  totalUplinkBytes: number;
  totalDownlinkBytes: number;
  wallMs: number;
  trainableParameters: number;
  outDir: string;
  backend: string;
  tfBackend: string;
  data: string;
  /** Plugin and component names that produced this run. */
  components: Record<string, string>;
  finishedAt: string;
}

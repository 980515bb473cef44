/** What the Node side of the WebGPU training test asks the page for. */
export interface TrainingStepRequest {
  experimentJson: string;
  /** Where the tab trains, as a joining tab is told. */
  tfBackend: 'experiment' | 'webgpu';
  clientId: number;
  /** Standard deviation of the seeded noise added to the run's initial adapter. */
  noise: number;
}

/** What one training call in the page gave, and which backend ran it. */
export interface TrainingStep {
  /** The federation's `tfBackend`, as the tab's log would name it. */
  federationBackend: string;
  /** `tf.getBackend()` once the step was taken. */
  activeBackend: string;
  /** Bytes tfjs held on the GPU while the trainer was open (0 on a CPU backend). */
  gpuBytes: number;
  start: number[];
  parameters: number[];
  meanLoss: number;
  steps: number;
  samples: number;
}

import { describe, expect, it } from 'vitest';
import { summaryCsv, summaryMarkdown, type RunGroupSummary } from '../src/index.js';

const summary: RunGroupSummary = {
  label: 'compressor=qsgd(levels=4, stochastic=true); note="a|b"',
  dirs: ['results/a', 'results/b'],
  seeds: [1, 2],
  roundsFinished: [10, 8],
  roundsPlanned: 10,
  finalAccuracy: { mean: 0.75, std: 0.01, n: 2 },
  bestAccuracy: { mean: 0.8, std: 0.02, n: 2 },
  finalPerplexity: { mean: 9.5, std: 0.25, n: 2 },
  trainableParameters: 12_906,
  finalTestLoss: { mean: 0.5, std: 0.01, n: 2 },
  finalTrainLoss: { mean: 0.25, std: 0.02, n: 2 },
  lateAccuracy: { evaluations: 5, accuracy: { mean: 0.74, std: 0.03, n: 2 } },
  versusBaseline: {
    baseline: 'compressor=none',
    pairs: 2,
    finalAccuracy: { mean: -0.01, std: 0.005, n: 2 },
    lateAccuracy: { mean: -0.02, std: 0.004, n: 2 },
  },
  finalTaskAccuracy: [],
  finalMajorityAdapterTaskAccuracy: [],
  finalClustering: null,
  finalAdapterMetrics: [],
  totalUplinkBytes: { mean: 2_500_000, std: 100_000, n: 2 },
  totalDownlinkBytes: { mean: 12_000_000, std: 0, n: 2 },
  uploadsSent: { mean: 90, std: 2, n: 2 },
  uploadsSkipped: { mean: 10, std: 2, n: 2 },
  uploadsLost: { mean: 0, std: 0, n: 2 },
  updatesRejected: { mean: 1, std: 1, n: 2 },
  bitsPerValue: { mean: 4.5, std: 0.5, n: 2 },
  uplinkBytesPerUpload: { mean: 27_750, std: 500, n: 2 },
  bitsToTarget: { target: 0.7, bits: { mean: 8_000_000, std: null, n: 1 }, reached: 1, of: 2 },
  wallMs: { mean: 12_345, std: 55, n: 2 },
};

describe('summary as CSV', () => {
  it('has raw numbers in mean and std columns, quoting fields as RFC 4180 says', () => {
    const [header, row, end] = summaryCsv([summary]).split('\n');
    expect(header).toBe(
      'run,seeds,rounds_finished_min,rounds_planned,final_accuracy_mean,final_accuracy_std,best_accuracy_mean,best_accuracy_std,' +
        'final_perplexity_mean,final_perplexity_std,' +
        'uplink_bytes_mean,uplink_bytes_std,downlink_bytes_mean,downlink_bytes_std,target_accuracy,bits_to_target_mean,' +
        'bits_to_target_std,runs_reaching_target,wall_ms_mean,wall_ms_std,trainable_parameters,' +
        'final_test_loss_mean,final_test_loss_std,final_train_loss_mean,final_train_loss_std,' +
        'late_evaluations,late_accuracy_mean,late_accuracy_std,baseline,baseline_pairs,' +
        'final_accuracy_vs_baseline_mean,final_accuracy_vs_baseline_std,' +
        'late_accuracy_vs_baseline_mean,late_accuracy_vs_baseline_std,' +
        'uploads_sent_mean,uploads_sent_std,uploads_skipped_mean,uploads_skipped_std,uploads_lost_mean,uploads_lost_std,' +
        'updates_rejected_mean,updates_rejected_std,bits_per_value_mean,bits_per_value_std,' +
        'uplink_bytes_per_upload_mean,uplink_bytes_per_upload_std,' +
        'clustering_accuracy_mean,clustering_accuracy_std,adjusted_rand_index_mean,adjusted_rand_index_std',
    );
    expect(row).toBe(
      '"compressor=qsgd(levels=4, stochastic=true); note=""a|b""",1 2,8,10,0.75,0.01,0.8,0.02,9.5,0.25,2500000,100000,12000000,0,0.7,8000000,,1,12345,55,' +
        '12906,0.5,0.01,0.25,0.02,5,0.74,0.03,compressor=none,2,-0.01,0.005,-0.02,0.004,90,2,10,2,0,0,1,1,4.5,0.5,27750,500,,,,',
    );
    expect(end).toBe('');
  });
});

describe('summary as Markdown', () => {
  it('escapes pipes and right-aligns the number columns', () => {
    const text = summaryMarkdown({
      header: ['run', 'final acc'],
      align: ['left', 'right'],
      rows: [['a|b', '75.00% ± 1.00%']],
    });
    expect(text).toBe('| run | final acc |\n| --- | ---: |\n| a\\|b | 75.00% ± 1.00% |\n');
  });
});

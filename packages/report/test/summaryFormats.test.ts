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
  totalUplinkBytes: { mean: 2_500_000, std: 100_000, n: 2 },
  totalDownlinkBytes: { mean: 12_000_000, std: 0, n: 2 },
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
        'bits_to_target_std,runs_reaching_target,wall_ms_mean,wall_ms_std',
    );
    expect(row).toBe(
      '"compressor=qsgd(levels=4, stochastic=true); note=""a|b""",1 2,8,10,0.75,0.01,0.8,0.02,9.5,0.25,2500000,100000,12000000,0,0.7,8000000,,1,12345,55',
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

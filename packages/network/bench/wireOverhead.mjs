// Wire overhead of a served run's ledger: the protocol's bytes beyond the payloads, relative to
// the payloads, per round and over the run, both ways together and each direction alone.

function overhead(wire, payload) {
  return (wire - payload) / payload;
}

function directions(up, upWire, down, downWire) {
  return {
    total: overhead(upWire + downWire, up + down),
    uplink: overhead(upWire, up),
    downlink: overhead(downWire, down),
  };
}

/** Overheads of each ledger row and of the sums over all rows. */
export function wireOverhead(ledger) {
  const sum = (field) => ledger.reduce((total, row) => total + row[field], 0);
  return {
    perRound: ledger.map((row) => ({
      round: row.round,
      ...directions(row.uplinkBytes, row.uplinkWireBytes, row.downlinkBytes, row.downlinkWireBytes),
    })),
    run: directions(sum('uplinkBytes'), sum('uplinkWireBytes'), sum('downlinkBytes'), sum('downlinkWireBytes')),
    payloadBytes: { uplink: sum('uplinkBytes'), downlink: sum('downlinkBytes') },
    wireBytes: { uplink: sum('uplinkWireBytes'), downlink: sum('downlinkWireBytes') },
  };
}

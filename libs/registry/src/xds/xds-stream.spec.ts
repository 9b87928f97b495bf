import { describe, expect, it } from '@jest/globals';
import { XDS_TYPES, type XdsResource, type XdsTypeUrl } from './xds-resources.js';
import { XdsStream, type XdsRequest, type XdsResponse, type XdsSource, type XdsStreamEvent } from './xds-stream.js';

const EDS = XDS_TYPES.endpoints;

/** A source holding one resource per name, and what the stream told it to follow. */
function setup() {
  const held = new Map<string, number>([['a', 1]]);
  const followed: string[][] = [];
  const source: XdsSource = {
    resources: (type: XdsTypeUrl, names, zone) =>
      [...names].filter((n) => held.has(n)).map((n): XdsResource => ({ '@type': type, cluster_name: n, rev: held.get(n), zone })),
    follow: (_type, names) => followed.push([...names]),
  };
  const sent: XdsResponse[] = [];
  const events: XdsStreamEvent[] = [];
  const stream = new XdsStream(
    source,
    (r) => sent.push(r),
    (e) => events.push(e),
  );
  const ask = (names: string[], last?: XdsResponse, error?: string): XdsRequest => ({
    type_url: EDS,
    resource_names: names,
    version_info: last && !error ? last.version_info : '',
    response_nonce: last?.nonce ?? '',
    error_detail: error ? { code: 3, message: error } : null,
  });
  return { held, followed, sent, events, stream, ask };
}

describe('XdsStream (State of the World: versions, nonces, ACK and NACK)', () => {
  it('answers a subscription with what the source has, and an ACK with nothing', () => {
    const { sent, stream, ask, followed, events } = setup();
    stream.request(ask(['a', 'b']));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ type_url: EDS, version_info: '1', nonce: '1' });
    expect(sent[0]!.resources.map((r) => r.cluster_name)).toEqual(['a']); // b not loaded yet
    expect(followed).toEqual([['a', 'b']]);
    stream.request(ask(['a', 'b'], sent[0]));
    expect(sent).toHaveLength(1);
    expect(events.filter((e) => e.kind === 'ack')).toEqual([{ kind: 'ack', type: EDS, version: '1' }]);
  });

  it('pushes a change of a followed name with a new version and nonce; ignores names it does not follow', () => {
    const { sent, stream, ask, held } = setup();
    stream.request(ask(['a']));
    held.set('a', 2);
    stream.changed(EDS, 'a');
    stream.changed(EDS, 'zzz');
    stream.changed(XDS_TYPES.cluster, 'a');
    expect(sent.map((r) => [r.version_info, r.nonce, r.resources[0]?.rev])).toEqual([
      ['1', '1', 1],
      ['2', '2', 2],
    ]);
  });

  it('a NACK is reported and nothing is re-sent; the next change is pushed as usual', () => {
    const { sent, stream, ask, events, held } = setup();
    stream.request(ask(['a']));
    stream.request(ask(['a'], sent[0], 'bad endpoint'));
    expect(sent).toHaveLength(1);
    expect(events.find((e) => e.kind === 'nack')).toEqual({ kind: 'nack', type: EDS, version: '1', message: 'bad endpoint' });
    held.set('a', 3);
    stream.changed(EDS, 'a');
    expect(sent).toHaveLength(2);
    stream.request(ask(['a'], sent[1]));
    expect(events.filter((e) => e.kind === 'ack').map((e) => e.version)).toEqual(['2']);
  });

  it('ignores a request that quotes an old nonce, and answers a new set of names at once', () => {
    const { sent, stream, ask, followed } = setup();
    stream.request(ask(['a']));
    const first = sent[0]!;
    stream.changed(EDS, 'a'); // nonce 2 is out
    stream.request(ask(['a', 'c'], first)); // quotes nonce 1: stale
    expect(sent).toHaveLength(2);
    stream.request(ask(['c'], sent[1]));
    expect(sent).toHaveLength(3);
    expect(followed.at(-1)).toEqual(['c']);
    expect(sent[2]!.resources).toEqual([]);
  });

  it('refuses a type it does not serve', () => {
    const { stream, sent } = setup();
    expect(
      stream.request({
        type_url: 'type.googleapis.com/envoy.service.runtime.v3.Runtime',
        resource_names: [],
        version_info: '',
        response_nonce: '',
      }),
    ).toBe(false);
    expect(sent).toEqual([]);
  });

  it("serves for the zone of the client's node, read from the first request that names it", () => {
    const { sent, stream, ask, held } = setup();
    stream.request({ ...ask(['a']), node: { id: 'n', locality: { zone: 'z1' } } });
    held.set('a', 2);
    stream.request({ ...ask(['a'], sent[0]), node: { id: 'n', locality: { zone: 'z2' } } }); // the first one counts
    stream.changed(EDS, 'a');
    expect(sent.map((r) => r.resources[0]?.zone)).toEqual(['z1', 'z1']);
    const other = setup();
    other.stream.request({ ...other.ask(['a']), node: { id: 'n', locality: null } });
    expect(other.sent[0]!.resources[0]?.zone).toBe('');
  });
});

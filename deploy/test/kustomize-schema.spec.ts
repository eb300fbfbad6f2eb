import { type Manifest } from '../src/manifest.ts';
import { buildKustomization, KUSTOMIZATIONS } from './support/kustomize.ts';
import { validateManifests } from './support/schema.ts';
import { itWith } from './support/tools.ts';

const withKubectl = itWith('kubectl');

describe('kustomize builds validate against the Kubernetes API schemas', () => {
  describe.each(KUSTOMIZATIONS)('%s', (dir) => {
    withKubectl('builds with kubectl kustomize and every object passes its schema', () => {
      const manifests = buildKustomization(dir);
      const result = validateManifests(manifests);
      expect(result.objects).toBe(manifests.length);
      expect(result.problems).toEqual([]);
    });
  });

  it('reports an invalid object and an unknown kind, so a pass above means something', () => {
    const broken: Manifest = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'broken' },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { spec: { containers: [{ image: 'x:1' }] } } },
    };
    const unknown: Manifest = { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g' } };
    const monitor: Manifest = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'm' },
    };
    const { problems } = validateManifests([broken, unknown, monitor]);
    expect(problems).toEqual([
      expect.stringMatching(/^apps\/v1\/Deployment broken: .*name/),
      'example.com/v1/Gadget g: no schema known for this apiVersion/kind',
      'monitoring.coreos.com/v1/ServiceMonitor m: spec.selector is required',
      'monitoring.coreos.com/v1/ServiceMonitor m: spec.endpoints must list endpoints',
    ]);
  });
});

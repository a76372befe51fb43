// X-Forwarded-Client-Cert in Envoy's format, from a verified identity.
import t from 'tap';
import { issue } from '../../src/pki/generate.js';
import { xfccValue } from '../../src/mtls/peer-identity.js';

const DAY = 86_400_000;
const valid = { notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + DAY) };

t.test('fields in Envoy order, Subject in RFC 2253 order with escapes, one pair per SAN', async (t) => {
  const root = await issue({ subject: 'CN=Root, O=Example', ca: true, ...valid });
  const leaf = await issue({
    subject: 'C=US, O=Example\\, Inc., OU=db, CN=node-a',
    issuer: root,
    names: ['node-a.cluster.test', 'a.cluster.test', 'spiffe://cluster.test/node/a', 'spiffe://cluster.test/ns;x'],
    ...valid,
  });
  const identity = { chain: [leaf.certificate, root.certificate], allowedBy: 'any verified certificate' };
  t.equal(
    xfccValue(identity, ['Hash', 'Subject', 'URI', 'DNS']),
    `Hash=${leaf.certificate.fingerprint};Subject="CN=node-a,OU=db,O=Example\\, Inc.,C=US";` +
      'URI=spiffe://cluster.test/node/a;URI="spiffe://cluster.test/ns;x";DNS=node-a.cluster.test;DNS=a.cluster.test',
  );
  const withCert = xfccValue(identity, ['Hash', 'Cert', 'Chain']);
  t.match(withCert, /^Hash=[0-9a-f]{64};Cert="-----BEGIN%20CERTIFICATE-----%0A/);
  t.equal(decodeURIComponent(/Chain="([^"]+)"/.exec(withCert)![1]!), leaf.pem + root.pem, 'Chain is the URL-encoded PEM of the verified path');
});

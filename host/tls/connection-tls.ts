/**
 * The TLS facts of one downstream connection (proxy-wasm `connection.*` properties and the
 * x-forwarded-client-cert header), read once when the handshake completes.
 */
import type { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { DownstreamTlsInfo } from '../http/stream-info.js';

/** RFC 2253 form of an X509Certificate subject ("CN=a,O=b": most specific first). */
export function rfc2253(subject: string): string {
  return subject.split('\n').filter((l) => l !== '').reverse().join(',');
}

/** DNS and URI entries of a certificate's subjectAltName. */
export function sans(cert: X509Certificate | undefined): { dns: string[]; uri: string[] } {
  const dns: string[] = [];
  const uri: string[] = [];
  for (const part of (cert?.subjectAltName ?? '').split(', ')) {
    if (part.startsWith('DNS:')) dns.push(part.slice(4));
    else if (part.startsWith('URI:')) uri.push(part.slice(4));
  }
  return { dns, uri };
}

/** Facts of a terminated TLS connection, after 'secure'. */
export function tlsInfoOf(socket: TLSSocket): DownstreamTlsInfo {
  const peer = socket.getPeerX509Certificate();
  const local = socket.getX509Certificate();
  const peerSans = sans(peer);
  const localSans = sans(local);
  const servername = (socket as TLSSocket & { servername?: string | false }).servername;
  return {
    requestedServerName: typeof servername === 'string' ? servername : '',
    version: socket.getProtocol() ?? '',
    alpn: typeof socket.alpnProtocol === 'string' ? socket.alpnProtocol : '',
    mtls: peer !== undefined && socket.authorized,
    peerSubject: peer ? rfc2253(peer.subject) : '',
    peerDnsSans: peerSans.dns,
    peerUriSans: peerSans.uri,
    peerSha256: peer ? peer.fingerprint256.replace(/:/g, '').toLowerCase() : '',
    peerCertificatePem: peer ? peer.toString() : '',
    localSubject: local ? rfc2253(local.subject) : '',
    localDnsSans: localSans.dns,
    localUriSans: localSans.uri,
  };
}

/** What the ClientHello said on a connection that is not terminated here (passthrough). */
export function passthroughInfo(serverName: string, alpn: readonly string[]): DownstreamTlsInfo {
  return {
    requestedServerName: serverName, version: '', alpn: alpn[0] ?? '', mtls: false, peerSubject: '',
    peerDnsSans: [], peerUriSans: [], peerSha256: '', peerCertificatePem: '', localSubject: '',
    localDnsSans: [], localUriSans: [],
  };
}

/**
 * Envoy's x-forwarded-client-cert element for this connection:
 * `By=<local URI SAN>;Hash=<sha256>;Subject="<subject>";URI=<uri>;DNS=<dns>` (only what exists).
 * undefined when the client sent no certificate.
 */
export function xfccElement(info: DownstreamTlsInfo): string | undefined {
  if (info.peerSha256 === '') return undefined;
  const parts: string[] = [];
  if (info.localUriSans[0]) parts.push(`By=${info.localUriSans[0]}`);
  parts.push(`Hash=${info.peerSha256}`);
  parts.push(`Subject="${info.peerSubject.replace(/["\\]/g, '\\$&')}"`);
  for (const u of info.peerUriSans) parts.push(`URI=${u}`);
  for (const d of info.peerDnsSans) parts.push(`DNS=${d}`);
  return parts.join(';');
}

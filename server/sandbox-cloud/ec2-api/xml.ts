// Turns plain objects into EC2's response XML. Actions return `XmlObject`s with the wire's
// lower-camel element names; this file owns the rules both SDKs depend on:
//  - arrays become `<item>` children (any other member name reads as an empty list);
//  - `undefined`/`null`/NaN are omitted: the Go SDK fails a whole call on an empty
//    boolean, number or timestamp element, so a missing value must be a missing element;
//  - `Date`s become ISO-8601 UTC with a literal `Z` (Go parses timestamps with that layout);
//  - text is escaped, and characters XML cannot carry at all are dropped.

export type XmlValue = string | number | boolean | Date | null | undefined | XmlValue[] | XmlObject;
export interface XmlObject {
  [element: string]: XmlValue;
}

export const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

export function escapeXml(text: string): string {
  return (
    text
      // XML 1.0 forbids these outright; escaping would not help.
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

/** Serializes one element; returns '' when the value is absent. */
export function element(name: string, value: XmlValue): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? `<${name}>${value}</${name}>` : '';
  if (typeof value === 'boolean') return `<${name}>${value ? 'true' : 'false'}</${name}>`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : `<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === 'string') return `<${name}>${escapeXml(value)}</${name}>`;
  if (Array.isArray(value)) {
    const items = value.map((v) => element('item', v)).join('');
    return items ? `<${name}>${items}</${name}>` : `<${name}/>`;
  }
  return `<${name}>${children(value)}</${name}>`;
}

export function children(obj: XmlObject): string {
  return Object.entries(obj)
    .map(([k, v]) => element(k, v))
    .join('');
}

/** `<{Action}Response xmlns=…><requestId/>…</…>`; EC2 has no `…Result` wrapper. */
export function successXml(action: string, requestId: string, body: XmlObject): string {
  const root = `${action}Response`;
  return `${DECLARATION}<${root} xmlns="${EC2_NAMESPACE}">${element('requestId', requestId)}${children(body)}</${root}>`;
}

/** The EC2 error layout; the root must be `<Response>` or Packer's SDK cannot read it (and retries). */
export function errorXml(code: string, message: string, requestId: string): string {
  return `${DECLARATION}<Response><Errors><Error>${element('Code', code)}${element('Message', message)}</Error></Errors>${element('RequestID', requestId)}</Response>`;
}

// IAM speaks the classic Query layout: a `…Result` wrapper, `ResponseMetadata`, `<ErrorResponse>`.
export const IAM_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';

export function iamSuccessXml(action: string, requestId: string, result: XmlObject): string {
  return `${DECLARATION}<${action}Response xmlns="${IAM_NAMESPACE}">${element(`${action}Result`, result)}${element('ResponseMetadata', { RequestId: requestId })}</${action}Response>`;
}

export function iamErrorXml(code: string, message: string, requestId: string, type: 'Sender' | 'Receiver'): string {
  return `${DECLARATION}<ErrorResponse xmlns="${IAM_NAMESPACE}">${element('Error', { Type: type, Code: code, Message: message })}${element('RequestId', requestId)}</ErrorResponse>`;
}

// Tests for parseLosslessJson: 64-bit integers survive as exact strings, everything else behaves like JSON.parse.
import { describe, expect, it } from 'vitest';
import { parseLosslessJson } from '../../src/ingest/steam/lossless-json.js';

describe('parseLosslessJson', () => {
  it('when a 19-digit logo id is a bare number, then it comes back as the exact decimal string', () => {
    const parsed = parseLosslessJson('{"radiant_logo": 2041868205277029400, "dire_logo":959719781654785292}');
    expect(parsed).toEqual({ radiant_logo: '2041868205277029400', dire_logo: '959719781654785292' });
    // JSON.parse would have rounded the second one.
    expect(String((JSON.parse('{"x":959719781654785292}') as { x: number }).x)).not.toBe(
      '959719781654785292',
    );
  });

  it('when unsafe integers sit in arrays and nested objects, then every one is kept exactly', () => {
    const parsed = parseLosslessJson('[12345678901234567890,{"a":[9007199254740993]},-9007199254740993]');
    expect(parsed).toEqual(['12345678901234567890', { a: ['9007199254740993'] }, '-9007199254740993']);
  });

  it('when a number-like sequence is inside a string, then the string is untouched', () => {
    const text = '{"name":"x: 12345678901234567890, y","esc":"a\\"b 98765432109876543210 \\\\","n":1}';
    expect(parseLosslessJson(text)).toEqual(JSON.parse(text));
  });

  it('when numbers are safe, negative, fractional or exponent forms, then they stay numbers as JSON.parse gives them', () => {
    const text =
      '{"a":0,"b":4294967295,"c":-17,"d":9007199254740991,"e":-9007199254740991,"f":1.5,"g":-2.5e3,"h":1E2,"i":12345678901234567890.5,"j":12345678901234567890e0}';
    const parsed = parseLosslessJson(text);
    expect(parsed).toEqual(JSON.parse(text));
    expect(typeof (parsed as { i: unknown }).i).toBe('number');
  });

  it('when the whole document is one unsafe integer, then it becomes a string', () => {
    expect(parseLosslessJson(' 76561198080534862 ')).toBe('76561198080534862');
  });

  it('when the JSON is truncated, then it throws SyntaxError', () => {
    expect(() => parseLosslessJson('{"result":{"status":1,"matches":[{"match_id":4949341670,')).toThrow(
      SyntaxError,
    );
    expect(() => parseLosslessJson('{"name":"unterminated')).toThrow(SyntaxError);
    expect(() => parseLosslessJson('')).toThrow(SyntaxError);
  });

  it('when the body is an HTML error page, then it throws SyntaxError', () => {
    const html =
      '<html><head><title>Forbidden</title></head><body><h1>Forbidden</h1>Access is denied. Retrying will not help. Please verify your <pre>key=</pre> parameter.</body></html>';
    expect(() => parseLosslessJson(html)).toThrow(SyntaxError);
  });

  it('when an unsafe integer stands where a key belongs, then it is not quoted into valid JSON', () => {
    expect(() => parseLosslessJson('{12345678901234567890: 1}')).toThrow(SyntaxError);
    expect(() => parseLosslessJson('{"a":1,12345678901234567890:2}')).toThrow(SyntaxError);
  });

  it('when an integer has leading zeros, then it is rejected like JSON.parse does', () => {
    expect(() => parseLosslessJson('[012345678901234567890]')).toThrow(SyntaxError);
  });
});

import { parseResultJson } from './result-json';

describe(parseResultJson.name, () => {
  it('parses valid JSON as JSON.parse does', () => {
    expect(parseResultJson('{"a": [1, 2.5, "NaN"], "b": null}')).toEqual({ a: [1, 2.5, 'NaN'], b: null });
  });

  it("reads Python's NaN, Infinity and -Infinity as strings, leaving string contents alone", () => {
    expect(parseResultJson('{"density": NaN, "w": [Infinity, -Infinity], "t": "NaN and \\"Infinity\\"", "u": "a\\\\"}')).toEqual({
      density: 'NaN',
      w: ['Infinity', '-Infinity'],
      t: 'NaN and "Infinity"',
      u: 'a\\',
    });
  });

  it('still refuses what is not JSON', () => {
    expect(() => parseResultJson('{"nodes": [')).toThrow(SyntaxError);
    expect(() => parseResultJson('{"density": NaN, ')).toThrow(SyntaxError);
  });
});

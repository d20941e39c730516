import { ApiException } from '../http/api.exception';
import { assertOwnMacroId, macroIdOf } from './macro-id';

describe(macroIdOf.name, () => {
  it('is stable per user, differs between users and reveals nothing of the user id', () => {
    expect(macroIdOf('alice')).toBe(macroIdOf('alice'));
    expect(macroIdOf('alice')).not.toBe(macroIdOf('bob'));
    expect(macroIdOf('alice')).toMatch(/^graph_[A-Za-z0-9_-]{22}$/);
    expect(macroIdOf('alice')).not.toContain('alice');
  });

  it('accepts no macroId or the own one, and refuses another user graph with 404 GRAPH_NOT_FOUND', () => {
    expect(() => assertOwnMacroId('alice', undefined)).not.toThrow();
    expect(() => assertOwnMacroId('alice', macroIdOf('alice'))).not.toThrow();
    for (const other of [macroIdOf('bob'), 'default', '']) {
      let thrown: unknown;
      try {
        assertOwnMacroId('alice', other);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ApiException);
      expect((thrown as ApiException).getStatus()).toBe(404);
      expect((thrown as ApiException).code).toBe('GRAPH_NOT_FOUND');
    }
  });
});

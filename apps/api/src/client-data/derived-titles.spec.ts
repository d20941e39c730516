import { bulkNoteTitle, conversationTitle, hasText, noteTitle } from './derived-titles';

describe('derived titles', () => {
  describe(conversationTitle.name, () => {
    it('keeps a title that is not blank', () => {
      expect(conversationTitle('  Garden  ', 'Tomatoes')).toBe('  Garden  ');
    });

    it('takes the first 10 characters of the first message, whitespace folded, and adds ...', () => {
      expect(conversationTitle(undefined, '  Tomato\n\nseedlings are leggy')).toBe('Tomato see...');
      expect(conversationTitle('', 'Hi')).toBe('Hi...');
      expect(conversationTitle('   ', 'Hello there')).toBe('Hello ther...');
    });

    it('counts characters, not UTF-16 units, so no emoji is cut in half', () => {
      expect(conversationTitle(null, '🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱')).toBe('🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱...');
    });

    it('is New Conversation without a message', () => {
      expect(conversationTitle(null, undefined)).toBe('New Conversation');
    });
  });

  describe(bulkNoteTitle.name, () => {
    it('keeps a title that is not blank', () => {
      expect(bulkNoteTitle('Plan', '# Something else')).toBe('Plan');
    });

    it('cuts the first non-blank line to 10 characters and adds ...', () => {
      expect(bulkNoteTitle(undefined, '\n\n# Weekly sync notes\n- Q3 goals')).toBe('# Weekly s...');
      expect(bulkNoteTitle(null, 'Short\r\nsecond line')).toBe('Short...');
    });

    it('is Untitled for blank content', () => {
      expect(bulkNoteTitle(undefined, '')).toBe('Untitled');
      expect(bulkNoteTitle('', ' \n ')).toBe('Untitled');
    });
  });

  describe(noteTitle.name, () => {
    it('is Untitled when absent or blank, else as sent', () => {
      expect([noteTitle(undefined), noteTitle(null), noteTitle(' '), noteTitle('Plan')]).toEqual(['Untitled', 'Untitled', 'Untitled', 'Plan']);
    });
  });

  describe(hasText.name, () => {
    it('is false for whitespace only', () => {
      expect([hasText(' \n\t'), hasText(' a ')]).toEqual([false, true]);
    });
  });
});

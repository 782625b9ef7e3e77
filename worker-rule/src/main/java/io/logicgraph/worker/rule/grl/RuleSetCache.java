package io.logicgraph.worker.rule.grl;

import io.logicgraph.model.grl.GrlParseException;
import io.logicgraph.model.grl.GrlRuleSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Parsed GRL rule sets by rule text, least recently used evicted first. A graph runs the same
 * GrlNode many times, so each distinct text is parsed once per worker (lookups go by the text's
 * hash, then text equality), however many tasks carry it at once, while memory stays bounded.
 *
 * <p>Text that does not parse is cached too (its {@link GrlParseException}): parsing is
 * deterministic, and a graph stored before a validation rule changed would otherwise be re-parsed
 * on every attempt.
 */
public final class RuleSetCache {
  private final Map<String, Entry> entries;
  private final Function<String, GrlRuleSet> parser;
  private final AtomicLong parses = new AtomicLong();

  public RuleSetCache(int capacity) {
    this(capacity, GrlRuleSet::parse);
  }

  /** With another parser (tests count or slow down parses with it). */
  public RuleSetCache(int capacity, Function<String, GrlRuleSet> parser) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
    }
    this.parser = Objects.requireNonNull(parser, "parser");
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > capacity;
          }
        };
  }

  /**
   * The rule set of {@code text}, parsed now if no other call parsed it before.
   *
   * @throws GrlParseException (E003, with line and column) when the text does not parse
   */
  public GrlRuleSet get(String text) {
    Objects.requireNonNull(text, "text");
    Entry entry;
    synchronized (entries) {
      entry = entries.computeIfAbsent(text, Entry::new);
    }
    try {
      return entry.ruleSet();
    } catch (RuntimeException unexpected) {
      if (!(unexpected instanceof GrlParseException)) {
        // Not a verdict on the text (a parser bug, say): let the next call try again.
        synchronized (entries) {
          entries.remove(text, entry);
        }
      }
      throw unexpected;
    }
  }

  /** Rule texts parsed since start (each distinct text once while it stays cached). */
  public long parses() {
    return parses.get();
  }

  public int size() {
    synchronized (entries) {
      return entries.size();
    }
  }

  /**
   * One text's parse, done by the first caller; concurrent callers of the same text wait for it
   * instead of parsing it again. Parsing happens outside the map's lock, so other texts are not
   * held up.
   */
  private final class Entry {
    private final String text;
    private GrlRuleSet ruleSet;
    private GrlParseException failure;

    Entry(String text) {
      this.text = text;
    }

    synchronized GrlRuleSet ruleSet() {
      if (ruleSet == null && failure == null) {
        parses.incrementAndGet();
        try {
          ruleSet = parser.apply(text);
        } catch (GrlParseException e) {
          failure = e;
        }
      }
      if (failure != null) {
        throw failure;
      }
      return ruleSet;
    }
  }
}

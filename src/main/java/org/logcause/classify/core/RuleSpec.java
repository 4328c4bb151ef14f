package org.logcause.classify.core;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * One classification rule as written in YAML (the built-in rules file or a job spec's {@code rules}). Every
 * condition given must hold: {@code message} is a regex found in the message, {@code level} lists normalised
 * levels, {@code sqlstate} and {@code error_code} list codes, {@code status} is an HTTP status or class
 * ({@code 504}, {@code 5xx}), {@code attributes} maps attribute names to regexes, {@code formats} and
 * {@code sources} restrict where the rule applies.
 */
public record RuleSpec(
    String id,
    List<String> formats,
    List<String> sources,
    String message,
    List<String> level,
    List<String> sqlstate,
    List<String> errorCode,
    String status,
    Map<String, String> attributes,
    String category,
    String subcategory,
    String severity)
    implements Serializable {}

package io.sluice.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Dockerfile as its stages and instructions: continuation lines joined, comments dropped.
 *
 * @param stages in order; the last is the image that ships
 */
record Dockerfile(List<Stage> stages) {

  record Instruction(String keyword, String arguments) {}

  /**
   * One {@code FROM} and what follows it.
   *
   * @param from the base image
   * @param name the {@code AS} name, or null
   */
  record Stage(String from, String name, List<Instruction> instructions) {

    List<Instruction> all(String keyword) {
      return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    String text() {
      StringBuilder text = new StringBuilder("FROM " + from + "\n");
      instructions.forEach(
          i -> text.append(i.keyword()).append(' ').append(i.arguments()).append('\n'));
      return text.toString();
    }
  }

  static Dockerfile of(String module) {
    return parse(Repository.read(module + "/Dockerfile"));
  }

  static Dockerfile parse(String text) {
    List<Instruction> instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.startsWith("#") || (line.isEmpty() && current.length() == 0)) {
        continue;
      }
      boolean continues = line.endsWith("\\");
      current.append(continues ? line.substring(0, line.length() - 1) : line).append(' ');
      if (!continues) {
        String joined = current.toString().strip().replaceAll("\\s+", " ");
        current.setLength(0);
        if (!joined.isEmpty()) {
          int space = joined.indexOf(' ');
          instructions.add(
              new Instruction(
                  joined.substring(0, space).toUpperCase(Locale.ROOT),
                  joined.substring(space + 1)));
        }
      }
    }
    List<Stage> stages = new ArrayList<>();
    for (Instruction instruction : instructions) {
      if (instruction.keyword().equals("FROM")) {
        String[] parts = instruction.arguments().split(" ");
        String name = parts.length == 3 && parts[1].equalsIgnoreCase("AS") ? parts[2] : null;
        stages.add(new Stage(parts[0], name, new ArrayList<>()));
      } else if (stages.isEmpty()) {
        throw new IllegalArgumentException("instruction before FROM: " + instruction);
      } else {
        stages.get(stages.size() - 1).instructions().add(instruction);
      }
    }
    return new Dockerfile(stages);
  }

  Stage runtime() {
    return stages.get(stages.size() - 1);
  }
}

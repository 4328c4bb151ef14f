package org.logcause.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering the code keeps (see docs/ARCHITECTURE.md): no package depends on itself through others, and the
 * algorithms (parsers, rules, template mining, detection, attribution, reports, the job spec and the plan) import
 * nothing of Spark, so they have fast plain unit tests and Spark stays in the stages that wrap them.
 */
class ArchitectureTest {
  static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPath(java.nio.file.Path.of("target/classes"));
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching("org.logcause.(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void algorithmPackagesImportNoSpark() {
    noClasses().that().resideInAnyPackage("org.logcause.job..", "org.logcause.plan..", "org.logcause.text..",
            "org.logcause.ingest.format..", "org.logcause.classify.core..", "org.logcause.signals.core..",
            "org.logcause.attribution.core..", "org.logcause.report..", "org.logcause.simulate..", "org.logcause.onboard..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "scala..")
        .check(classes);
  }

  @Test
  void onlyTheCommandsAndTheRunStartSpark() {
    noClasses().that().resideOutsideOfPackages("org.logcause.cli..", "org.logcause.run..", "org.logcause.eval..")
        .should().callMethod(org.logcause.run.SparkSessions.class, "start", String.class, String.class, boolean.class)
        .check(classes);
  }
}

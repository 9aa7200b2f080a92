package org.contrastive4j.trainer.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries of the whole toolkit, checked on the compiled classes (the trainer's test class path holds
 * every module): no package cycles, and each module uses only what its job needs.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.contrastive4j");
    }

    @Test
    void noPackageCycles() {
        slices().matching("org.contrastive4j.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void coreIsPureJava() {
        noClasses().that().resideInAPackage("org.contrastive4j.core..").should().dependOnClassesThat()
                .resideInAnyPackage("ai.djl..", "ai.onnxruntime..", "org.contrastive4j.inference..",
                        "org.contrastive4j.models..", "org.contrastive4j.trainer..", "org.contrastive4j.report..",
                        "org.contrastive4j.losses..", "org.contrastive4j.exporter..")
                .check(classes);
    }

    @Test
    void inferenceAndReportNeverUseDjl() {
        noClasses().that().resideInAnyPackage("org.contrastive4j.inference..", "org.contrastive4j.report..")
                .should().dependOnClassesThat().resideInAnyPackage("ai.djl..", "org.contrastive4j.models..",
                        "org.contrastive4j.trainer..", "org.contrastive4j.losses..", "org.contrastive4j.exporter..")
                .check(classes);
    }

    @Test
    void librariesNeverUseTheTrainerOrOnnxRuntimeWithoutNeed() {
        noClasses().that().resideInAnyPackage("org.contrastive4j.models..", "org.contrastive4j.losses..")
                .should().dependOnClassesThat().resideInAnyPackage("ai.onnxruntime..", "org.apache.commons.cli..",
                        "org.contrastive4j.inference..", "org.contrastive4j.trainer..", "org.contrastive4j.report..")
                .check(classes);
        noClasses().that().resideInAnyPackage("org.contrastive4j.exporter..")
                .should().dependOnClassesThat().resideInAnyPackage("org.contrastive4j.inference..",
                        "org.contrastive4j.trainer..", "org.contrastive4j.report..")
                .check(classes);
    }
}

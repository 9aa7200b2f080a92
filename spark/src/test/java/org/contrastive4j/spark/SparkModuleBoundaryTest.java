package org.contrastive4j.spark;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The spark module runs ONNX Runtime through the inference module only: no DJL, no training code. */
class SparkModuleBoundaryTest {

    @Test
    void noDjlNoTrainingCode() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.contrastive4j.spark");
        noClasses().that().resideInAPackage("org.contrastive4j.spark..").should().dependOnClassesThat()
                .resideInAnyPackage("ai.djl..", "org.contrastive4j.models..", "org.contrastive4j.losses..",
                        "org.contrastive4j.trainer..", "org.contrastive4j.exporter..")
                .check(classes);
    }
}

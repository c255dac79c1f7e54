package kernelfield.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one dependency rule of DESIGN.md: engine &lt;- fields &lt;- {reconstruction, render} &lt;- cli,
 * reconstruction and render independent of each other, and no module reaching into another
 * module's {@code internal} packages.
 */
class ModuleRulesTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importAll() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("kernelfield");
    }

    @Test
    void everyModuleIsOnTheClasspath() {
        for (String pkg : new String[] {"kernelfield.engine", "kernelfield.fields", "kernelfield.reconstruction",
                "kernelfield.render", "kernelfield.cli"}) {
            assertTrue(classes.stream().anyMatch(c -> c.getPackageName().startsWith(pkg)), "no classes in " + pkg);
        }
    }

    private static void check(String module, String... forbidden) {
        ArchRule rule = noClasses().that().resideInAPackage("kernelfield." + module + "..")
                .should().dependOnClassesThat().resideInAnyPackage(forbidden)
                .because("DESIGN.md: engine <- fields <- {reconstruction, render} <- cli");
        rule.check(classes);
    }

    @Test
    void engineDependsOnNoOtherModule() {
        check("engine", "kernelfield.fields..", "kernelfield.reconstruction..", "kernelfield.render..", "kernelfield.cli..");
    }

    @Test
    void fieldsDependOnlyOnEngine() {
        check("fields", "kernelfield.reconstruction..", "kernelfield.render..", "kernelfield.cli..");
    }

    @Test
    void reconstructionIsHeadless() {
        check("reconstruction", "kernelfield.render..", "kernelfield.cli..", "org.lwjgl..");
    }

    @Test
    void renderIsALibraryOfItsOwn() {
        check("render", "kernelfield.reconstruction..", "kernelfield.cli..");
    }

    @Test
    void noModuleReachesIntoAnotherModulesInternals() {
        for (String m : new String[] {"engine", "fields", "reconstruction", "render", "cli"}) {
            noClasses().that().resideOutsideOfPackage("kernelfield." + m + "..")
                    .should().dependOnClassesThat().resideInAPackage("kernelfield." + m + "..internal..")
                    .because("internal packages are private to their module")
                    .allowEmptyShould(true)
                    .check(classes);
        }
    }
}

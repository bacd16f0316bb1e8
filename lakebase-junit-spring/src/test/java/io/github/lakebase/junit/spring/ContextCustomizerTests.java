package io.github.lakebase.junit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.LakebaseBranch;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.ContextCustomizer;

/**
 * The customizer is part of Spring's context cache key: it must be equal for classes that declare
 * the same base, whatever else they are, and differ when the base differs.
 */
class ContextCustomizerTests {

    private final LakebaseContextCustomizerFactory factory = new LakebaseContextCustomizerFactory();

    @Test
    void classesThatDeclareTheSameBaseGetEqualCustomizers() {
        ContextCustomizer a = customizer(PlainA.class);
        ContextCustomizer b = customizer(PlainB.class);

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(customizer(StagingA.class))
                .isEqualTo(customizer(StagingB.class))
                .hasSameHashCodeAs(customizer(StagingB.class));
    }

    @Test
    void lifecycleAndCleanupDoNotSplitTheContext() {
        assertThat(customizer(PerClass.class)).isEqualTo(customizer(PlainA.class));
    }

    @Test
    void anotherParentOrOtherMigrationsGetAnotherContext() {
        assertThat(customizer(StagingA.class)).isNotEqualTo(customizer(PlainA.class));
        assertThat(customizer(OtherMigrations.class)).isNotEqualTo(customizer(PlainA.class));
    }

    @Test
    void nestedClassesAndSubclassesInheritTheDeclaration() {
        assertThat(customizer(StagingA.Inner.class)).isEqualTo(customizer(StagingA.class));
        assertThat(customizer(StagingSubclass.class)).isEqualTo(customizer(StagingA.class));
    }

    @Test
    void aDeclarationOnAMemberAloneAlsoRoutesTheContext() {
        assertThat(customizer(OnAField.class)).isEqualTo(customizer(PlainA.class));
        assertThat(customizer(OnAParameter.class)).isEqualTo(customizer(PlainA.class));
    }

    @Test
    void classesWithoutTheAnnotationAreLeftAlone() {
        assertThat(customizer(NoBranches.class)).isNull();
    }

    private ContextCustomizer customizer(Class<?> testClass) {
        return factory.createContextCustomizer(testClass, List.of());
    }

    @LakebaseBranch
    static class PlainA {}

    @LakebaseBranch(cleanup = io.github.lakebase.junit.CleanupMode.NEVER)
    static class PlainB {}

    @LakebaseBranch(lifecycle = LakebaseBranch.Lifecycle.PER_CLASS)
    static class PerClass {}

    @LakebaseBranch(from = "staging")
    static class StagingA {
        @Nested
        class Inner {}
    }

    @LakebaseBranch(
            from = "staging",
            migrations = {})
    static class StagingB {}

    static class StagingSubclass extends StagingA {}

    @LakebaseBranch(migrations = "classpath:db/other")
    static class OtherMigrations {}

    static class OnAField {
        @LakebaseBranch
        DataSource dataSource;
    }

    static class OnAParameter {
        void test(@LakebaseBranch DataSource dataSource) {}
    }

    static class NoBranches {}
}

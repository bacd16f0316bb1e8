package io.github.lakebase.junit.spi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTests {

    @Test
    void masksPasswordParametersWhateverTheirCase() {
        assertThat(Redaction.url("jdbc:postgresql://db:5432/app?user=me&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/app?user=me&password=***&ssl=true");
        assertThat(Redaction.url("jdbc:postgresql://db/app?PASSWORD=s3cret"))
                .isEqualTo("jdbc:postgresql://db/app?PASSWORD=***");
        assertThat(Redaction.url("jdbc:postgresql://db/app?sslpassword=k3y")).doesNotContain("k3y");
    }

    @Test
    void masksUserInfoPasswords() {
        assertThat(Redaction.url("postgresql://me:s3cret@db:5432/app")).isEqualTo("postgresql://me:***@db:5432/app");
    }

    @Test
    void leavesUrlsWithoutSecretsAlone() {
        String url = "jdbc:postgresql://127.0.0.1:5432/lbj_abc_1_test?ApplicationName=x";
        assertThat(Redaction.url(url)).isEqualTo(url);
        assertThat(Redaction.url(null)).isNull();
    }
}

package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PlainTest {

    @Test
    void adds() {
        assertEquals(2, 1 + 1);
    }
}

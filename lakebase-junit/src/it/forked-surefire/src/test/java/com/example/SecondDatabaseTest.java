package com.example;

/** The same test in a class of its own, so in a JVM of its own: it inherits {@code @LakebaseBranch}. */
class SecondDatabaseTest extends FirstDatabaseTest {}

/*
 * test_bstr.c: BSTR allocation in Microsoft's layout (a 32-bit byte count
 * before the data, a WCHAR NUL after it; DESIGN.md §2) and the VARIANT
 * helpers.  BSTR outputs of the VSS API are freed with SysFreeString
 * (VSS-FACTS.md §2.2 "Memory rules"), so these must hold for every caller.
 * The suites run under ASan and valgrind, which check that what VariantClear
 * and SysReAllocString drop is really freed.
 */
#include <string.h>
#include <windows.h>
#include "harness.h"

static DWORD prefix_of(BSTR b)
{
    DWORD len;

    memcpy(&len, (const char *)b - sizeof(DWORD), sizeof(len));
    return len;
}

static void test_alloc_string(void)
{
    BSTR b = SysAllocString(L"abc");

    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(SysStringLen(b), 3);
    CU_ASSERT_EQUAL(SysStringByteLen(b), 3 * sizeof(WCHAR));
    CU_ASSERT_EQUAL(prefix_of(b), 3 * sizeof(WCHAR));   /* the length prefix itself */
    CU_ASSERT(!wcscmp(b, L"abc"));
    CU_ASSERT_EQUAL(b[3], 0);
    SysFreeString(b);

    CU_ASSERT_PTR_NULL(SysAllocString(NULL));
    b = SysAllocString(L"");
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(SysStringLen(b), 0);
    CU_ASSERT_EQUAL(b[0], 0);
    SysFreeString(b);

    b = SysAllocString(L"\U0001F600!");
    CU_ASSERT_EQUAL(SysStringLen(b), 2);   /* one WCHAR per code point (UTF-32) */
    CU_ASSERT_EQUAL(b[0], 0x1F600);
    SysFreeString(b);
}

static void test_alloc_string_len(void)
{
    BSTR b;
    UINT i;
    int zero = 1;

    b = SysAllocStringLen(L"abcdef", 3);
    CU_ASSERT_EQUAL(SysStringLen(b), 3);
    CU_ASSERT(!wcscmp(b, L"abc"));
    SysFreeString(b);

    /* embedded NULs count: the length is the prefix, not wcslen */
    b = SysAllocStringLen(L"a\0b", 3);
    CU_ASSERT_EQUAL(SysStringLen(b), 3);
    CU_ASSERT_EQUAL(b[1], 0);
    CU_ASSERT_EQUAL(b[2], L'b');
    CU_ASSERT_EQUAL(b[3], 0);
    SysFreeString(b);

    /* no source: a buffer of len characters, terminated */
    b = SysAllocStringLen(NULL, 5);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(SysStringLen(b), 5);
    CU_ASSERT_EQUAL(b[5], 0);
    for (i = 0; i < 5; i++) zero &= b[i] == 0;
    CU_ASSERT(zero);
    SysFreeString(b);

    b = SysAllocStringLen(NULL, 0);
    CU_ASSERT_PTR_NOT_NULL(b);
    CU_ASSERT_EQUAL(SysStringByteLen(b), 0);
    SysFreeString(b);

    /* a byte length that does not fit the 32-bit prefix is refused */
    CU_ASSERT_PTR_NULL(SysAllocStringLen(NULL, 0x40000000));
    CU_ASSERT_PTR_NULL(SysAllocStringLen(NULL, 0xFFFFFFFF));
}

static void test_alloc_byte_len(void)
{
    const unsigned char *bytes;
    BSTR b;

    b = SysAllocStringByteLen("abcd", 4);
    CU_ASSERT_EQUAL(SysStringByteLen(b), 4);
    CU_ASSERT_EQUAL(SysStringLen(b), 1);
    CU_ASSERT_EQUAL(prefix_of(b), 4);
    CU_ASSERT(!memcmp(b, "abcd", 4));
    CU_ASSERT_EQUAL(b[1], 0);   /* the WCHAR terminator */
    SysFreeString(b);

    /* odd lengths: the byte after the data is zero, and the string still
     * ends in a whole WCHAR NUL */
    b = SysAllocStringByteLen("abcde", 5);
    bytes = (const unsigned char *)b;
    CU_ASSERT_EQUAL(SysStringByteLen(b), 5);
    CU_ASSERT_EQUAL(SysStringLen(b), 1);
    CU_ASSERT(!memcmp(bytes, "abcde", 5));
    CU_ASSERT_EQUAL(bytes[5], 0);
    CU_ASSERT_EQUAL(b[2], 0);
    SysFreeString(b);

    b = SysAllocStringByteLen("abc", 3);
    CU_ASSERT_EQUAL(SysStringByteLen(b), 3);
    CU_ASSERT_EQUAL(SysStringLen(b), 0);
    CU_ASSERT_EQUAL(((const unsigned char *)b)[3], 0);
    SysFreeString(b);

    /* embedded NULs and no source */
    b = SysAllocStringByteLen("a\0b", 3);
    CU_ASSERT(!memcmp(b, "a\0b\0", 4));
    SysFreeString(b);
    b = SysAllocStringByteLen(NULL, 6);
    CU_ASSERT_EQUAL(SysStringByteLen(b), 6);
    CU_ASSERT(!memcmp(b, "\0\0\0\0\0\0\0\0", 8));
    SysFreeString(b);
    b = SysAllocStringByteLen(NULL, 0);
    CU_ASSERT_PTR_NOT_NULL(b);
    CU_ASSERT_EQUAL(SysStringByteLen(b), 0);
    SysFreeString(b);

    CU_ASSERT_PTR_NULL(SysAllocStringByteLen(NULL, 0xFFFFFFFF));
}

static void test_null_bstr(void)
{
    CU_ASSERT_EQUAL(SysStringLen(NULL), 0);
    CU_ASSERT_EQUAL(SysStringByteLen(NULL), 0);
    SysFreeString(NULL);   /* no crash */
}

static void test_realloc_string(void)
{
    BSTR b = SysAllocString(L"old");

    CU_ASSERT_FALSE(SysReAllocString(NULL, L"x"));
    CU_ASSERT_TRUE(SysReAllocString(&b, L"a longer string"));
    CU_ASSERT(!wcscmp(b, L"a longer string"));
    CU_ASSERT_EQUAL(SysStringLen(b), 15);

    /* the source may lie inside the string being replaced */
    CU_ASSERT_TRUE(SysReAllocString(&b, b + 2));
    CU_ASSERT(!wcscmp(b, L"longer string"));

    CU_ASSERT_TRUE(SysReAllocString(&b, NULL));
    CU_ASSERT_PTR_NULL(b);
    CU_ASSERT_TRUE(SysReAllocString(&b, L"new"));
    CU_ASSERT(!wcscmp(b, L"new"));
    SysFreeString(b);
}

static void test_realloc_string_len(void)
{
    BSTR b = SysAllocString(L"abc");
    BSTR keep;

    CU_ASSERT_FALSE(SysReAllocStringLen(NULL, L"x", 1));

    /* growing with no source keeps the old characters */
    CU_ASSERT_TRUE(SysReAllocStringLen(&b, NULL, 6));
    CU_ASSERT_EQUAL(SysStringLen(b), 6);
    CU_ASSERT(!memcmp(b, L"abc", 3 * sizeof(WCHAR)));
    CU_ASSERT_EQUAL(b[6], 0);

    /* growing from itself reads no further than the old string */
    CU_ASSERT_TRUE(SysReAllocStringLen(&b, b, 50));
    CU_ASSERT_EQUAL(SysStringLen(b), 50);
    CU_ASSERT(!memcmp(b, L"abc", 3 * sizeof(WCHAR)));
    CU_ASSERT_EQUAL(b[50], 0);

    CU_ASSERT_TRUE(SysReAllocStringLen(&b, b + 1, 1));
    CU_ASSERT(!wcscmp(b, L"b"));

    CU_ASSERT_TRUE(SysReAllocStringLen(&b, L"x\0y", 3));
    CU_ASSERT_EQUAL(SysStringLen(b), 3);
    CU_ASSERT_EQUAL(b[2], L'y');

    /* a failed reallocation leaves the string alone */
    keep = b;
    CU_ASSERT_FALSE(SysReAllocStringLen(&b, NULL, 0x40000000));
    CU_ASSERT_PTR_EQUAL(b, keep);
    SysFreeString(b);

    b = NULL;
    CU_ASSERT_TRUE(SysReAllocStringLen(&b, L"xy", 2));
    CU_ASSERT(!wcscmp(b, L"xy"));
    SysFreeString(b);
}

/* A COM object that counts its references, to watch VariantClear/Copy. */
struct counted
{
    IUnknown IUnknown_iface;
    LONG refs;
};

static HRESULT STDMETHODCALLTYPE counted_QueryInterface(IUnknown *iface, REFIID iid, void **out)
{
    (void)iid;
    *out = iface;
    iface->lpVtbl->AddRef(iface);
    return S_OK;
}

static ULONG STDMETHODCALLTYPE counted_AddRef(IUnknown *iface)
{
    return ++CONTAINING_RECORD(iface, struct counted, IUnknown_iface)->refs;
}

static ULONG STDMETHODCALLTYPE counted_Release(IUnknown *iface)
{
    return --CONTAINING_RECORD(iface, struct counted, IUnknown_iface)->refs;
}

static IUnknownVtbl counted_vtbl = { counted_QueryInterface, counted_AddRef, counted_Release };

static void test_variant_bstr(void)
{
    VARIANT a, b;

    VariantInit(&a);
    CU_ASSERT_EQUAL(V_VT(&a), VT_EMPTY);
    V_VT(&a) = VT_BSTR;
    V_BSTR(&a) = SysAllocString(L"value");

    VariantInit(&b);
    CU_ASSERT_EQUAL(VariantCopy(&b, &a), S_OK);
    CU_ASSERT_EQUAL(V_VT(&b), VT_BSTR);
    CU_ASSERT_PTR_NOT_EQUAL(V_BSTR(&b), V_BSTR(&a));   /* a deep copy */
    CU_ASSERT(!wcscmp(V_BSTR(&b), L"value"));

    /* copying over a VARIANT clears what it held first (no leak) */
    CU_ASSERT_EQUAL(VariantCopy(&b, &a), S_OK);
    CU_ASSERT_EQUAL(VariantClear(&b), S_OK);
    CU_ASSERT_EQUAL(V_VT(&b), VT_EMPTY);

    /* a byte-counted BSTR stays byte-counted */
    CU_ASSERT_EQUAL(VariantClear(&a), S_OK);
    V_VT(&a) = VT_BSTR;
    V_BSTR(&a) = SysAllocStringByteLen("abcde", 5);
    CU_ASSERT_EQUAL(VariantCopy(&b, &a), S_OK);
    CU_ASSERT_EQUAL(SysStringByteLen(V_BSTR(&b)), 5);
    VariantClear(&a);
    VariantClear(&b);

    /* a NULL BSTR copies as NULL */
    V_VT(&a) = VT_BSTR;
    V_BSTR(&a) = NULL;
    CU_ASSERT_EQUAL(VariantCopy(&b, &a), S_OK);
    CU_ASSERT_PTR_NULL(V_BSTR(&b));
    CU_ASSERT_EQUAL(VariantClear(&b), S_OK);
}

static void test_variant_unknown(void)
{
    struct counted obj = { { &counted_vtbl }, 1 };
    VARIANT a, b;

    VariantInit(&a);
    VariantInit(&b);
    V_VT(&a) = VT_UNKNOWN;
    V_UNKNOWN(&a) = &obj.IUnknown_iface;
    CU_ASSERT_EQUAL(VariantCopy(&b, &a), S_OK);
    CU_ASSERT_EQUAL(obj.refs, 2);
    CU_ASSERT_PTR_EQUAL(V_UNKNOWN(&b), &obj.IUnknown_iface);
    CU_ASSERT_EQUAL(VariantClear(&b), S_OK);
    CU_ASSERT_EQUAL(obj.refs, 1);

    V_VT(&a) = VT_DISPATCH;   /* same object: only the vtable's first slots are used */
    CU_ASSERT_EQUAL(VariantCopy(&b, &a), S_OK);
    CU_ASSERT_EQUAL(obj.refs, 2);
    CU_ASSERT_EQUAL(VariantClear(&b), S_OK);
    CU_ASSERT_EQUAL(obj.refs, 1);

    /* by reference: the VARIANT owns nothing */
    V_VT(&a) = VT_UNKNOWN | VT_BYREF;
    a.byref = &obj;
    CU_ASSERT_EQUAL(VariantCopy(&b, &a), S_OK);
    CU_ASSERT_EQUAL(obj.refs, 1);
    CU_ASSERT_EQUAL(VariantClear(&b), S_OK);
    CU_ASSERT_EQUAL(obj.refs, 1);

    V_VT(&a) = VT_UNKNOWN;
    V_UNKNOWN(&a) = NULL;
    CU_ASSERT_EQUAL(VariantCopy(&b, &a), S_OK);
    CU_ASSERT_EQUAL(VariantClear(&b), S_OK);
}

static void test_variant_scalars(void)
{
    VARIANT a, b;

    VariantInit(&b);
    V_VT(&a) = VT_I8;
    V_I8(&a) = -1234567890123LL;
    CU_ASSERT_EQUAL(VariantCopy(&b, &a), S_OK);
    CU_ASSERT_EQUAL(V_VT(&b), VT_I8);
    CU_ASSERT_EQUAL(V_I8(&b), -1234567890123LL);
    V_VT(&a) = VT_BOOL;
    V_BOOL(&a) = VARIANT_TRUE;
    CU_ASSERT_EQUAL(VariantCopy(&b, &a), S_OK);
    CU_ASSERT_EQUAL(V_BOOL(&b), VARIANT_TRUE);
    CU_ASSERT_EQUAL(VariantCopy(&b, &b), S_OK);   /* onto itself: nothing happens */
    CU_ASSERT_EQUAL(V_BOOL(&b), VARIANT_TRUE);
    CU_ASSERT_EQUAL(VariantClear(&b), S_OK);
}

static void test_variant_bad(void)
{
    static const VARTYPE bad[] = { 15, VT_VOID, VT_RECORD, VT_ARRAY | VT_I4, VT_VECTOR | VT_I4,
                                   VT_EMPTY | VT_BYREF, 0x8000 | VT_I4, 0x1FF };
    VARIANT a, b;
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    {
        VariantInit(&b);
        V_VT(&a) = bad[i];
        CU_ASSERT_EQUAL(VariantClear(&a), DISP_E_BADVARTYPE);
        CU_ASSERT_EQUAL(V_VT(&a), bad[i]);   /* left alone */
        CU_ASSERT_EQUAL(VariantCopy(&b, &a), DISP_E_BADVARTYPE);
        CU_ASSERT_EQUAL(V_VT(&b), VT_EMPTY);
    }
    VariantInit(&a);
    CU_ASSERT_EQUAL(VariantClear(NULL), E_INVALIDARG);
    CU_ASSERT_EQUAL(VariantCopy(NULL, &a), E_INVALIDARG);
    CU_ASSERT_EQUAL(VariantCopy(&a, NULL), E_INVALIDARG);
    VariantInit(NULL);   /* no crash */
}

static CU_TestInfo bstr_tests[] =
{
    { "SysAllocString", test_alloc_string },
    { "SysAllocStringLen", test_alloc_string_len },
    { "SysAllocStringByteLen", test_alloc_byte_len },
    { "NULL BSTR", test_null_bstr },
    { "SysReAllocString", test_realloc_string },
    { "SysReAllocStringLen", test_realloc_string_len },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(bstr, NULL, NULL, bstr_tests);

static CU_TestInfo variant_tests[] =
{
    { "BSTR VARIANTs", test_variant_bstr },
    { "interface VARIANTs", test_variant_unknown },
    { "scalar VARIANTs", test_variant_scalars },
    { "invalid VARIANTs", test_variant_bad },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(variant, NULL, NULL, variant_tests);

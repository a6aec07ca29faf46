/*
 * service_proto.c: the pieces of the requester <-> vsssvc protocol that both
 * ends share (service_proto.h): names for traces, which methods need root,
 * and the encodings of strings, GUID arrays, NULL results and snapshot and
 * provider records.  Nothing here touches a socket.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <objbase.h>
#include <vss.h>
#include "umbra/debug.h"
#include "enum.h"
#include "service_proto.h"
#include "wstr.h"

const char *svc_method_name(unsigned int method)
{
    static const char *const names[SVC_METHOD_END] =
    {
        [SVC_GetWriterComponentsCount] = "GetWriterComponentsCount",
        [SVC_GetWriterComponents] = "GetWriterComponents",
        [SVC_InitializeForBackup] = "InitializeForBackup",
        [SVC_SetBackupState] = "SetBackupState",
        [SVC_InitializeForRestore] = "InitializeForRestore",
        [SVC_SetRestoreState] = "SetRestoreState",
        [SVC_GatherWriterMetadata] = "GatherWriterMetadata",
        [SVC_GetWriterMetadataCount] = "GetWriterMetadataCount",
        [SVC_GetWriterMetadata] = "GetWriterMetadata",
        [SVC_FreeWriterMetadata] = "FreeWriterMetadata",
        [SVC_AddComponent] = "AddComponent",
        [SVC_PrepareForBackup] = "PrepareForBackup",
        [SVC_AbortBackup] = "AbortBackup",
        [SVC_GatherWriterStatus] = "GatherWriterStatus",
        [SVC_GetWriterStatusCount] = "GetWriterStatusCount",
        [SVC_FreeWriterStatus] = "FreeWriterStatus",
        [SVC_GetWriterStatus] = "GetWriterStatus",
        [SVC_SetBackupSucceeded] = "SetBackupSucceeded",
        [SVC_SetBackupOptions] = "SetBackupOptions",
        [SVC_SetSelectedForRestore] = "SetSelectedForRestore",
        [SVC_SetRestoreOptions] = "SetRestoreOptions",
        [SVC_SetAdditionalRestores] = "SetAdditionalRestores",
        [SVC_SetPreviousBackupStamp] = "SetPreviousBackupStamp",
        [SVC_SaveAsXML] = "SaveAsXML",
        [SVC_BackupComplete] = "BackupComplete",
        [SVC_AddAlternativeLocationMapping] = "AddAlternativeLocationMapping",
        [SVC_AddRestoreSubcomponent] = "AddRestoreSubcomponent",
        [SVC_SetFileRestoreStatus] = "SetFileRestoreStatus",
        [SVC_AddNewTarget] = "AddNewTarget",
        [SVC_SetRangesFilePath] = "SetRangesFilePath",
        [SVC_PreRestore] = "PreRestore",
        [SVC_PostRestore] = "PostRestore",
        [SVC_SetContext] = "SetContext",
        [SVC_StartSnapshotSet] = "StartSnapshotSet",
        [SVC_AddToSnapshotSet] = "AddToSnapshotSet",
        [SVC_DoSnapshotSet] = "DoSnapshotSet",
        [SVC_DeleteSnapshots] = "DeleteSnapshots",
        [SVC_ImportSnapshots] = "ImportSnapshots",
        [SVC_BreakSnapshotSet] = "BreakSnapshotSet",
        [SVC_GetSnapshotProperties] = "GetSnapshotProperties",
        [SVC_Query] = "Query",
        [SVC_IsVolumeSupported] = "IsVolumeSupported",
        [SVC_DisableWriterClasses] = "DisableWriterClasses",
        [SVC_EnableWriterClasses] = "EnableWriterClasses",
        [SVC_DisableWriterInstances] = "DisableWriterInstances",
        [SVC_ExposeSnapshot] = "ExposeSnapshot",
        [SVC_RevertToSnapshot] = "RevertToSnapshot",
        [SVC_QueryRevertStatus] = "QueryRevertStatus",
        [SVC_GetWriterMetadataEx] = "GetWriterMetadataEx",
        [SVC_SetSelectedForRestoreEx] = "SetSelectedForRestoreEx",
        [SVC_UnexposeSnapshot] = "UnexposeSnapshot",
        [SVC_SetAuthoritativeRestore] = "SetAuthoritativeRestore",
        [SVC_SetRollForward] = "SetRollForward",
        [SVC_SetRestoreName] = "SetRestoreName",
        [SVC_BreakSnapshotSetEx] = "BreakSnapshotSetEx",
        [SVC_PreFastRecovery] = "PreFastRecovery",
        [SVC_FastRecovery] = "FastRecovery",
        [SVC_GetWriterStatusEx] = "GetWriterStatusEx",
        [SVC_AddSnapshotToRecoverySet] = "AddSnapshotToRecoverySet",
        [SVC_RecoverSet] = "RecoverSet",
        [SVC_GetSessionId] = "GetSessionId",
        [SVC_GetRootAndLogicalPrefixPaths] = "GetRootAndLogicalPrefixPaths",
    };

    static const char *const mgmt_names[SVC_MGMT_END - SVC_MGMT_FIRST] =
    {
        [SVC_GetProviderMgmtInterface - SVC_MGMT_FIRST] = "GetProviderMgmtInterface",
        [SVC_QueryVolumesSupportedForSnapshots - SVC_MGMT_FIRST] = "QueryVolumesSupportedForSnapshots",
        [SVC_QuerySnapshotsByVolume - SVC_MGMT_FIRST] = "QuerySnapshotsByVolume",
        [SVC_AddDiffArea - SVC_MGMT_FIRST] = "AddDiffArea",
        [SVC_ChangeDiffAreaMaximumSize - SVC_MGMT_FIRST] = "ChangeDiffAreaMaximumSize",
        [SVC_QueryVolumesSupportedForDiffAreas - SVC_MGMT_FIRST] = "QueryVolumesSupportedForDiffAreas",
        [SVC_QueryDiffAreasForVolume - SVC_MGMT_FIRST] = "QueryDiffAreasForVolume",
        [SVC_QueryDiffAreasOnVolume - SVC_MGMT_FIRST] = "QueryDiffAreasOnVolume",
        [SVC_QueryDiffAreasForSnapshot - SVC_MGMT_FIRST] = "QueryDiffAreasForSnapshot",
        [SVC_ChangeDiffAreaMaximumSizeEx - SVC_MGMT_FIRST] = "ChangeDiffAreaMaximumSizeEx",
        [SVC_SetVolumeProtectLevel - SVC_MGMT_FIRST] = "SetVolumeProtectLevel",
        [SVC_GetVolumeProtectLevel - SVC_MGMT_FIRST] = "GetVolumeProtectLevel",
        [SVC_ClearVolumeProtectFault - SVC_MGMT_FIRST] = "ClearVolumeProtectFault",
        [SVC_DeleteUnusedDiffAreas - SVC_MGMT_FIRST] = "DeleteUnusedDiffAreas",
    };

    if (method >= SVC_MGMT_FIRST && method < SVC_MGMT_END) return mgmt_names[method - SVC_MGMT_FIRST];
    return method < SVC_METHOD_END && names[method] ? names[method] : "?";
}

const char *svc_type_name(unsigned int type)
{
    switch (type & ~WIRE_REPLY)
    {
    case WIRE_SVC_HELLO: return "Hello";
    case WIRE_SVC_CALL: return "Call";
    case WIRE_SVC_ASYNC: return "Async";
    case WIRE_SVC_RELEASE: return "Release";
    default: return wire_type_name(type);
    }
}

int svc_method_needs_admin(unsigned int method)
{
    switch (method)
    {
    case SVC_ExposeSnapshot:            /* mounts where the caller says */
    case SVC_UnexposeSnapshot:
    case SVC_RevertToSnapshot:          /* rolls a volume back */
    case SVC_BreakSnapshotSet:
    case SVC_BreakSnapshotSetEx:
    case SVC_ImportSnapshots:
    case SVC_AddSnapshotToRecoverySet:
    case SVC_RecoverSet:
    case SVC_PreFastRecovery:
    case SVC_FastRecovery:
    /* shadow storage is configured by administrators on Windows (vssadmin
     * Add/Resize/Delete ShadowStorage need an elevated prompt); reading it
     * is open to the group */
    case SVC_AddDiffArea:
    case SVC_ChangeDiffAreaMaximumSize:
    case SVC_ChangeDiffAreaMaximumSizeEx:
    case SVC_SetVolumeProtectLevel:
    case SVC_ClearVolumeProtectFault:
    case SVC_DeleteUnusedDiffAreas:
        return 1;
    default:
        return 0;
    }
}

void svc_set_status(struct wire_builder *b, HRESULT status)
{
    uint32_t value = (uint32_t)status;

    if (b->error || b->len < WIRE_HEADER_SIZE) return;
    b->data[12] = value & 0xff;
    b->data[13] = (value >> 8) & 0xff;
    b->data[14] = (value >> 16) & 0xff;
    b->data[15] = value >> 24;
}

int svc_put_wstr(struct wire_builder *b, uint16_t tag, const WCHAR *str)
{
    char *utf8 = NULL;
    int ret;

    if (!str) return 0;
    if ((ret = wstr_to_utf8(str, &utf8)))
    {
        if (!b->error) b->error = ret;
        return ret;
    }
    wire_put_str(b, tag, utf8);
    free(utf8);
    return 0;
}

static void guid_to_bytes(const GUID *id, uint8_t *p)
{
    p[0] = id->Data1 & 0xff;
    p[1] = (id->Data1 >> 8) & 0xff;
    p[2] = (id->Data1 >> 16) & 0xff;
    p[3] = id->Data1 >> 24;
    p[4] = id->Data2 & 0xff;
    p[5] = id->Data2 >> 8;
    p[6] = id->Data3 & 0xff;
    p[7] = id->Data3 >> 8;
    memcpy(p + 8, id->Data4, 8);
}

static void guid_from_bytes(const uint8_t *p, GUID *id)
{
    id->Data1 = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    id->Data2 = (uint16_t)(p[4] | p[5] << 8);
    id->Data3 = (uint16_t)(p[6] | p[7] << 8);
    memcpy(id->Data4, p + 8, 8);
}

void svc_put_guids(struct wire_builder *b, uint16_t tag, const GUID *ids, unsigned int count)
{
    uint8_t *data;

    if (!ids || b->error) return;
    if (count > SVC_MAX_GUIDS)
    {
        b->error = -EMSGSIZE;
        return;
    }
    if (!(data = malloc(count ? (size_t)count * 16 : 1)))
    {
        b->error = -ENOMEM;
        return;
    }
    for (unsigned int i = 0; i < count; i++) guid_to_bytes(&ids[i], data + (size_t)i * 16);
    wire_put_bytes(b, tag, data, (size_t)count * 16);
    free(data);
}

int svc_get_guids(const struct wire_msg *msg, uint16_t tag, unsigned int count, GUID **ids)
{
    const void *data;
    size_t len;
    int ret;

    *ids = NULL;
    if ((ret = wire_get_bytes(msg, tag, &data, &len))) return ret == -ENOENT ? 0 : ret;
    if (count > SVC_MAX_GUIDS || len != (size_t)count * 16) return -EBADMSG;
    if (!(*ids = malloc(count ? (size_t)count * sizeof(GUID) : 1))) return -ENOMEM;
    for (unsigned int i = 0; i < count; i++) guid_from_bytes((const uint8_t *)data + (size_t)i * 16, &(*ids)[i]);
    return 0;
}

void svc_put_null(struct wire_builder *b, uint16_t tag)
{
    wire_put_u32(b, tag, 0);
}

int svc_result_kind(const struct wire_msg *msg, uint16_t tag, uint16_t kind)
{
    for (unsigned int i = 0; i < msg->count; i++)
    {
        const struct wire_field *f = &msg->fields[i];

        if (f->tag != tag) continue;
        if (f->kind == WIRE_KIND_U32 && f->len == 4 && !f->data[0] && !f->data[1] && !f->data[2] && !f->data[3])
            return 1;
        return f->kind == kind ? 0 : -EBADMSG;
    }
    return -ENOENT;
}

int svc_put_record(struct wire_builder *b, uint16_t tag, const VSS_OBJECT_PROP *prop)
{
    struct wire_builder r;
    void *body;
    size_t len;
    int ret;

    wire_builder_init(&r, 0, 0, 0);
    wire_put_u32(&r, RT_TYPE, prop->Type);
    if (prop->Type == VSS_OBJECT_SNAPSHOT)
    {
        const VSS_SNAPSHOT_PROP *s = &prop->Obj.Snap;

        wire_put_guid(&r, RT_SNAPSHOT_ID, &s->m_SnapshotId);
        wire_put_guid(&r, RT_SET_ID, &s->m_SnapshotSetId);
        wire_put_u32(&r, RT_SNAPSHOTS_COUNT, (uint32_t)s->m_lSnapshotsCount);
        svc_put_wstr(&r, RT_DEVICE, s->m_pwszSnapshotDeviceObject);
        svc_put_wstr(&r, RT_ORIGINAL_VOLUME, s->m_pwszOriginalVolumeName);
        svc_put_wstr(&r, RT_ORIGINATING_MACHINE, s->m_pwszOriginatingMachine);
        svc_put_wstr(&r, RT_SERVICE_MACHINE, s->m_pwszServiceMachine);
        svc_put_wstr(&r, RT_EXPOSED_NAME, s->m_pwszExposedName);
        svc_put_wstr(&r, RT_EXPOSED_PATH, s->m_pwszExposedPath);
        wire_put_guid(&r, RT_PROVIDER_ID, &s->m_ProviderId);
        wire_put_u32(&r, RT_ATTRIBUTES, (uint32_t)s->m_lSnapshotAttributes);
        wire_put_u64(&r, RT_TIMESTAMP, (uint64_t)s->m_tsCreationTimestamp);
        wire_put_u32(&r, RT_STATUS, s->m_eStatus);
    }
    else if (prop->Type == VSS_OBJECT_PROVIDER)
    {
        const VSS_PROVIDER_PROP *p = &prop->Obj.Prov;

        wire_put_guid(&r, RT_PROVIDER_ID, &p->m_ProviderId);
        svc_put_wstr(&r, RT_PROVIDER_NAME, p->m_pwszProviderName);
        wire_put_u32(&r, RT_PROVIDER_TYPE, p->m_eProviderType);
        svc_put_wstr(&r, RT_PROVIDER_VERSION, p->m_pwszProviderVersion);
        wire_put_guid(&r, RT_PROVIDER_VERSION_ID, &p->m_ProviderVersionId);
        wire_put_guid(&r, RT_CLASS_ID, &p->m_ClassId);
    }
    if ((ret = wire_builder_finish(&r, &body, &len)))
    {
        if (!b->error) b->error = ret;
        return ret;
    }
    wire_put_bytes(b, tag, body, len);
    free(body);
    return b->error;
}

/* A string field of a record as a CoTaskMem string (no field: NULL). */
static HRESULT record_str(const struct wire_msg *msg, uint16_t tag, WCHAR **out)
{
    const char *value;
    int ret = wire_get_str(msg, tag, &value);

    *out = NULL;
    if (ret == -ENOENT) return S_OK;
    if (ret) return E_INVALIDARG;
    if ((ret = wstr_from_utf8_cotaskmem(value, out))) return ret == -ENOMEM ? E_OUTOFMEMORY : E_INVALIDARG;
    return S_OK;
}

static void record_clear(VSS_OBJECT_PROP *prop)
{
    if (prop->Type == VSS_OBJECT_SNAPSHOT)
    {
        VSS_SNAPSHOT_PROP *s = &prop->Obj.Snap;

        CoTaskMemFree(s->m_pwszSnapshotDeviceObject);
        CoTaskMemFree(s->m_pwszOriginalVolumeName);
        CoTaskMemFree(s->m_pwszOriginatingMachine);
        CoTaskMemFree(s->m_pwszServiceMachine);
        CoTaskMemFree(s->m_pwszExposedName);
        CoTaskMemFree(s->m_pwszExposedPath);
    }
    else if (prop->Type == VSS_OBJECT_PROVIDER)
    {
        CoTaskMemFree(prop->Obj.Prov.m_pwszProviderName);
        CoTaskMemFree(prop->Obj.Prov.m_pwszProviderVersion);
    }
    memset(prop, 0, sizeof(*prop));
}

HRESULT svc_get_record(const void *data, size_t len, VSS_OBJECT_PROP *prop)
{
    struct wire_msg msg;
    uint32_t type, value;
    uint64_t stamp;
    HRESULT hr = E_INVALIDARG;
    int ret;

    memset(prop, 0, sizeof(*prop));
    if ((ret = wire_decode(data, len, &msg))) return ret == -ENOMEM ? E_OUTOFMEMORY : E_INVALIDARG;
    if (wire_get_u32(&msg, RT_TYPE, &type)) goto done;
    prop->Type = type;
    if (type == VSS_OBJECT_SNAPSHOT)
    {
        VSS_SNAPSHOT_PROP *s = &prop->Obj.Snap;

        if (wire_get_guid(&msg, RT_SNAPSHOT_ID, &s->m_SnapshotId) || wire_get_guid(&msg, RT_SET_ID, &s->m_SnapshotSetId)
            || wire_get_guid(&msg, RT_PROVIDER_ID, &s->m_ProviderId)
            || wire_get_u64(&msg, RT_TIMESTAMP, &stamp))
            goto done;
        s->m_tsCreationTimestamp = (VSS_TIMESTAMP)stamp;
        if (wire_get_u32(&msg, RT_SNAPSHOTS_COUNT, &value)) goto done;
        s->m_lSnapshotsCount = (LONG)value;
        if (wire_get_u32(&msg, RT_ATTRIBUTES, &value)) goto done;
        s->m_lSnapshotAttributes = (LONG)value;
        if (wire_get_u32(&msg, RT_STATUS, &value)) goto done;
        s->m_eStatus = value;
        if (FAILED(hr = record_str(&msg, RT_DEVICE, &s->m_pwszSnapshotDeviceObject))
            || FAILED(hr = record_str(&msg, RT_ORIGINAL_VOLUME, &s->m_pwszOriginalVolumeName))
            || FAILED(hr = record_str(&msg, RT_ORIGINATING_MACHINE, &s->m_pwszOriginatingMachine))
            || FAILED(hr = record_str(&msg, RT_SERVICE_MACHINE, &s->m_pwszServiceMachine))
            || FAILED(hr = record_str(&msg, RT_EXPOSED_NAME, &s->m_pwszExposedName))
            || FAILED(hr = record_str(&msg, RT_EXPOSED_PATH, &s->m_pwszExposedPath)))
            goto done;
    }
    else if (type == VSS_OBJECT_PROVIDER)
    {
        VSS_PROVIDER_PROP *p = &prop->Obj.Prov;

        if (wire_get_guid(&msg, RT_PROVIDER_ID, &p->m_ProviderId)
            || wire_get_guid(&msg, RT_PROVIDER_VERSION_ID, &p->m_ProviderVersionId)
            || wire_get_guid(&msg, RT_CLASS_ID, &p->m_ClassId) || wire_get_u32(&msg, RT_PROVIDER_TYPE, &value))
            goto done;
        p->m_eProviderType = value;
        if (FAILED(hr = record_str(&msg, RT_PROVIDER_NAME, &p->m_pwszProviderName))
            || FAILED(hr = record_str(&msg, RT_PROVIDER_VERSION, &p->m_pwszProviderVersion)))
            goto done;
    }
    else goto done;
    hr = S_OK;

done:
    if (FAILED(hr))
    {
        WARN("a malformed record: %#x\n", (unsigned int)hr);
        record_clear(prop);
    }
    wire_msg_clear(&msg);
    return hr;
}

/* --- management records --------------------------------------------------------------- */

int svc_put_mgmt_record(struct wire_builder *b, uint16_t tag, const VSS_MGMT_OBJECT_PROP *prop)
{
    struct wire_builder r;
    void *body;
    size_t len;
    int ret;

    wire_builder_init(&r, 0, 0, 0);
    wire_put_u32(&r, RT_TYPE, prop->Type);
    switch (prop->Type)
    {
    case VSS_MGMT_OBJECT_VOLUME:
        svc_put_wstr(&r, RT_VOLUME_NAME, prop->Obj.Vol.m_pwszVolumeName);
        svc_put_wstr(&r, RT_DISPLAY_NAME, prop->Obj.Vol.m_pwszVolumeDisplayName);
        break;
    case VSS_MGMT_OBJECT_DIFF_VOLUME:
        svc_put_wstr(&r, RT_VOLUME_NAME, prop->Obj.DiffVol.m_pwszVolumeName);
        svc_put_wstr(&r, RT_DISPLAY_NAME, prop->Obj.DiffVol.m_pwszVolumeDisplayName);
        wire_put_u64(&r, RT_SPACE_1, (uint64_t)prop->Obj.DiffVol.m_llVolumeFreeSpace);
        wire_put_u64(&r, RT_SPACE_2, (uint64_t)prop->Obj.DiffVol.m_llVolumeTotalSpace);
        break;
    case VSS_MGMT_OBJECT_DIFF_AREA:
        svc_put_wstr(&r, RT_VOLUME_NAME, prop->Obj.DiffArea.m_pwszVolumeName);
        svc_put_wstr(&r, RT_DIFF_VOLUME_NAME, prop->Obj.DiffArea.m_pwszDiffAreaVolumeName);
        wire_put_u64(&r, RT_SPACE_1, (uint64_t)prop->Obj.DiffArea.m_llMaximumDiffSpace);
        wire_put_u64(&r, RT_SPACE_2, (uint64_t)prop->Obj.DiffArea.m_llAllocatedDiffSpace);
        wire_put_u64(&r, RT_SPACE_3, (uint64_t)prop->Obj.DiffArea.m_llUsedDiffSpace);
        break;
    default:
        break;
    }
    if ((ret = wire_builder_finish(&r, &body, &len)))
    {
        if (!b->error) b->error = ret;
        return ret;
    }
    wire_put_bytes(b, tag, body, len);
    free(body);
    return b->error;
}

static int record_space(const struct wire_msg *msg, uint16_t tag, LONGLONG *out)
{
    uint64_t value;
    int ret = wire_get_u64(msg, tag, &value);

    if (!ret) *out = (LONGLONG)value;
    return ret;
}

HRESULT svc_get_mgmt_record(const void *data, size_t len, VSS_MGMT_OBJECT_PROP *prop)
{
    struct wire_msg msg;
    uint32_t type;
    HRESULT hr = E_INVALIDARG;
    int ret;

    memset(prop, 0, sizeof(*prop));
    if ((ret = wire_decode(data, len, &msg))) return ret == -ENOMEM ? E_OUTOFMEMORY : E_INVALIDARG;
    if (wire_get_u32(&msg, RT_TYPE, &type)) goto done;
    prop->Type = type;
    switch (type)
    {
    case VSS_MGMT_OBJECT_VOLUME:
        if (FAILED(hr = record_str(&msg, RT_VOLUME_NAME, &prop->Obj.Vol.m_pwszVolumeName))) break;
        hr = record_str(&msg, RT_DISPLAY_NAME, &prop->Obj.Vol.m_pwszVolumeDisplayName);
        break;
    case VSS_MGMT_OBJECT_DIFF_VOLUME:
        if (record_space(&msg, RT_SPACE_1, &prop->Obj.DiffVol.m_llVolumeFreeSpace)
            || record_space(&msg, RT_SPACE_2, &prop->Obj.DiffVol.m_llVolumeTotalSpace))
            break;
        if (FAILED(hr = record_str(&msg, RT_VOLUME_NAME, &prop->Obj.DiffVol.m_pwszVolumeName))) break;
        hr = record_str(&msg, RT_DISPLAY_NAME, &prop->Obj.DiffVol.m_pwszVolumeDisplayName);
        break;
    case VSS_MGMT_OBJECT_DIFF_AREA:
        if (record_space(&msg, RT_SPACE_1, &prop->Obj.DiffArea.m_llMaximumDiffSpace)
            || record_space(&msg, RT_SPACE_2, &prop->Obj.DiffArea.m_llAllocatedDiffSpace)
            || record_space(&msg, RT_SPACE_3, &prop->Obj.DiffArea.m_llUsedDiffSpace))
            break;
        if (FAILED(hr = record_str(&msg, RT_VOLUME_NAME, &prop->Obj.DiffArea.m_pwszVolumeName))) break;
        hr = record_str(&msg, RT_DIFF_VOLUME_NAME, &prop->Obj.DiffArea.m_pwszDiffAreaVolumeName);
        break;
    default:
        break;
    }

done:
    if (FAILED(hr))
    {
        WARN("a malformed management record: %#x\n", (unsigned int)hr);
        mgmt_prop_clear(prop);
        memset(prop, 0, sizeof(*prop));
    }
    wire_msg_clear(&msg);
    return hr;
}

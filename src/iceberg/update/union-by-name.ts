/**
 * `unionByNameWith` (internal): the schema changes that evolve an existing
 * schema into the union of itself and another schema, matching fields by
 * name, as Java's `UnionByNameVisitor` does. Missing columns are added
 * (optional, at the position they have in the other schema), required
 * columns the other schema has as optional become optional, primitive types
 * are promoted, and docs are taken over. Nothing is ever deleted.
 *
 * One deliberate difference from Java: when the table already has the wider
 * type (`long` in the table, `int` in the other schema) the table keeps it
 * instead of failing, since the union of both is the wider type.
 */
import { ValidationError } from '../../errors.js';
import type { Schema } from '../spec/schema.js';
import { isPromotionAllowed, typeEquals } from '../spec/type-compare.js';
import { findColumnName } from '../spec/type-index.js';
import type { IcebergType, NestedField, StructType } from '../spec/types.js';
import { isPrimitive, typeToString } from '../spec/types.js';
import type { SchemaEvolution } from './schema-evolution.js';

function element(t: IcebergType & { type: 'list' }): NestedField {
  return { id: t.elementId, name: 'element', required: t.elementRequired, type: t.element };
}

function mapKey(t: IcebergType & { type: 'map' }): NestedField {
  return { id: t.keyId, name: 'key', required: true, type: t.key };
}

function mapValue(t: IcebergType & { type: 'map' }): NestedField {
  return { id: t.valueId, name: 'value', required: t.valueRequired, type: t.value };
}

/** Record on `evo` the changes that make `existing` the union of itself and `incoming`. */
export function unionByName(evo: SchemaEvolution, existing: Schema, incoming: StructType, caseSensitive: boolean): void {
  const nameOf = (id: number): string => findColumnName(existing, id) ?? String(id);
  const same = (a: string, b: string) => (caseSensitive ? a === b : a.toLowerCase() === b.toLowerCase());

  const updateField = (field: NestedField, partner: NestedField): void => {
    const name = nameOf(partner.id);
    if (!field.required && partner.required) evo.updateRequirement(name, true);
    if (isPrimitive(field.type) && !typeEquals(field.type, partner.type)) {
      // keep a type that is already wider than the incoming one
      if (!(isPrimitive(partner.type) && isPromotionAllowed(field.type, partner.type))) evo.updateColumn(name, field.type);
    }
    if (field.doc !== undefined && field.doc !== partner.doc) evo.updateColumnDoc(name, field.doc);
  };

  const visitType = (t: IcebergType, partner: NestedField): void => {
    const p = partner.type;
    const mismatch = () => {
      throw new ValidationError(
        `cannot union schemas: column ${JSON.stringify(nameOf(partner.id))} is ${typeToString(p)} in the table but ${typeToString(t)} in the other schema; nested types cannot change kind`,
      );
    };
    switch (t.type) {
      case 'struct':
        if (p.type !== 'struct') mismatch();
        return visitStruct(t, p as StructType, partner.id);
      case 'list':
        if (p.type !== 'list') return mismatch();
        visitType(t.element, element(p));
        return updateField(element(t), element(p));
      case 'map':
        if (p.type !== 'map') return mismatch();
        visitType(t.key, mapKey(p));
        visitType(t.value, mapValue(p));
        updateField(mapKey(t), mapKey(p));
        return updateField(mapValue(t), mapValue(p));
      default:
        if (!isPrimitive(p) && p.type !== t.type) mismatch();
    }
  };

  // children first, then the struct's own fields in order, as Java's visitor does (so new ids match Java's)
  const visitStruct = (struct: StructType, partner: StructType, partnerId: number | undefined): void => {
    const partners = struct.fields.map((f) => partner.fields.find((p) => same(p.name, f.name)));
    struct.fields.forEach((f, i) => {
      const p = partners[i];
      if (p !== undefined) visitType(f.type, p);
    });
    const parentName = partnerId === undefined ? undefined : nameOf(partnerId);
    const namesInTable: string[] = [];
    struct.fields.forEach((f, i) => {
      const p = partners[i];
      if (p !== undefined) {
        updateField(f, p);
        namesInTable.push(nameOf(p.id));
        return;
      }
      evo.addColumn(parentName, f.name, f.type, f.doc !== undefined ? { doc: f.doc } : {});
      const added = parentName === undefined ? f.name : `${parentName}.${f.name}`;
      if (i > 0) evo.move('after', added, namesInTable[i - 1]);
      else evo.move('first', added);
      namesInTable.push(added);
    });
  };

  visitStruct(incoming, existing, undefined);
}
